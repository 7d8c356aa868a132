/**
 * Installing Apache Kafka (KRaft) for the local provider: its jars from Maven Central, resolved by Maven, with
 * kafka-tools (ProducerPerformance, the perf tool mqbench calibrates its client against); and kafka-reader, mqbench's
 * consumer on confluent-kafka-go (tools/kafka-reader).
 */
import { buildPubsubReference, pubsubReferenceMissing } from '../../install/go-reference.js';
import { kafkaReader } from './go-consumer.js';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../install/cache.js';
import { execute } from '../../install/exec.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';

/** The directory holding Kafka's runtime jars (libs/) and the install marker. */
export function kafkaHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MQBENCH_KAFKA_HOME ?? join(cacheDir(env), 'kafka', VERSIONS.kafka);
}

const MARKER = 'installed.json';

function pom(): string {
  const dependency = (group: string, artifact: string, version: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mqbench</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependency('org.apache.kafka', 'kafka_2.13', VERSIONS.kafka)}
${dependency('org.apache.kafka', 'kafka-tools', VERSIONS.kafka)}
${dependency('org.apache.logging.log4j', 'log4j-core', VERSIONS.log4j)}
${dependency('org.apache.logging.log4j', 'log4j-slf4j-impl', VERSIONS.log4j)}
  </dependencies>
</project>
`;
}

/** Installer of Kafka's jars. */
export const kafkaInstaller: Installer = {
  component: `Apache Kafka ${VERSIONS.kafka} (KRaft, Maven Central jars) + kafka-reader and pubsub-ref (confluent-kafka-go)`,
  async status() {
    const home = kafkaHome();
    const exists = (path: string) => access(path).then(() => true, () => false);
    // An install from before kafka-tools was added lacks its jar: installed again.
    const jars = (await exists(join(home, MARKER))) && (await exists(join(home, 'libs', `kafka-tools-${VERSIONS.kafka}.jar`)));
    const missing = [...(jars ? [] : [`no Kafka jars under ${home}`]), ...(await kafkaReader.missing()), ...(await pubsubReferenceMissing())];
    return {
      installed: missing.length === 0,
      detail: missing.length === 0 ? join(home, 'libs') : missing.join('; '),
      fix: 'npx mqbench install kafka (needs Java 17+, Maven, Go and a C compiler)',
    };
  },
  async install(log) {
    // mqbench's consumer (tools/kafka-reader) and the Go reference of the pub/sub operation (tools/pubsub-ref), both
    // on confluent-kafka-go.
    await kafkaReader.build(log);
    await buildPubsubReference(log);
    if ((await this.status()).installed) return log(`${this.component}: already installed at ${kafkaHome()}`);
    const home = kafkaHome();
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'pom.xml'), pom());
    await rm(join(home, 'libs'), { recursive: true, force: true });
    log(`${this.component}: mvn dependency:copy-dependencies…`);
    await execute('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(home, 'libs')}`], { cwd: home });
    await writeFile(join(home, MARKER), `${JSON.stringify({ kafka: VERSIONS.kafka, log4j: VERSIONS.log4j, installedAt: new Date().toISOString() })}\n`);
    log(`${this.component}: installed at ${home}`);
  },
};
