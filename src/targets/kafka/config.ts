/**
 * Kafka broker configuration written by mqbench: single-node KRaft, message and fetch sizes large enough for 5 MB
 * payloads, fast group joins, prompt file deletion, and the requested flush policy. One property map serves the
 * local process (server.properties) and the container (KAFKA_* environment variables).
 */
import { randomBytes } from 'node:crypto';

/** Values that differ between the local process and the container. */
export interface KafkaConfigInput {
  bindHost: string;
  port: number;
  controllerPort: number;
  advertisedPort: number;
  logDirs: string;
  messageMaxBytes: number;
  /** fsync after every message (log.flush.interval.messages=1) instead of relying on the OS page cache. */
  fsyncEveryMessage: boolean;
}

/**
 * A random KRaft cluster id (16 bytes, base64url). One that begins with "-" would be read by kafka-storage as an
 * option ("argument --cluster-id/-t: expected one argument"), so, like Kafka's own Uuid.randomUuid, draw again.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The broker properties. */
export function kafkaProperties(input: KafkaConfigInput): Record<string, string> {
  const properties: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${input.controllerPort}`,
    listeners: `PLAINTEXT://${input.bindHost}:${input.port},CONTROLLER://${input.bindHost}:${input.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${input.advertisedPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': input.logDirs,
    'num.partitions': '1',
    'auto.create.topics.enable': 'false',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    'message.max.bytes': String(input.messageMaxBytes),
    'replica.fetch.max.bytes': String(input.messageMaxBytes),
    'file.delete.delay.ms': '1000',
  };
  if (input.fsyncEveryMessage) properties['log.flush.interval.messages'] = '1';
  return properties;
}

/** The properties as a server.properties file. */
export function propertiesFile(properties: Record<string, string>): string {
  return `# written by mqbench\n${Object.entries(properties).map(([key, value]) => `${key}=${value}`).join('\n')}\n`;
}

/** The properties as the apache/kafka image's environment variables (a.b-c → KAFKA_A_B_C). */
export function propertiesEnvironment(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [`KAFKA_${key.toUpperCase().replace(/[.-]/g, '_')}`, value]));
}

/** A Log4j 2 configuration that writes the broker's log to `file`. */
export function log4jConfig(file: string): string {
  return `rootLogger.level=INFO
rootLogger.appenderRef.file.ref=FILE
appender.file.type=File
appender.file.name=FILE
appender.file.fileName=${file}
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.state.name=state.change.logger
logger.state.level=WARN
`;
}

/** JVM options: a modest fixed heap and G1 as Kafka's own scripts use it. */
export function jvmOptions(heap: string): string[] {
  return [`-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true'];
}
