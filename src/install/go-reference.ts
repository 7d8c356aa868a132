/**
 * The Go reference of the pub/sub operation (`tools/pubsub-ref`): the same operation through the Go client Milvus
 * uses, built from the source in this repository into the cache, keyed by a hash of that source so that an edit
 * rebuilds it.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TOOL_ROOT } from '../util/tool-root.js';
import { cacheDir } from './cache.js';
import { execute } from './exec.js';

const SOURCE_DIR = join(TOOL_ROOT, 'tools', 'pubsub-ref');
/** Where the reference binary of the current source lives in the cache. */
export async function pubsubReferencePath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const hash = createHash('sha256');
  const sources = (await readdir(SOURCE_DIR)).filter((file) => file.endsWith('.go') || file === 'go.mod' || file === 'go.sum').sort();
  for (const file of sources) hash.update(file).update(await readFile(join(SOURCE_DIR, file)));
  return join(cacheDir(env), 'pubsub-ref', hash.digest('hex').slice(0, 16), 'pubsub-ref');
}

/** True when the reference binary of the current source is built. */
export async function pubsubReferenceBuilt(): Promise<boolean> {
  return access(await pubsubReferencePath(), constants.X_OK).then(() => true, () => false);
}

/** What is missing of the reference binary, as an installer's status lists it (empty when it is built). */
export async function pubsubReferenceMissing(): Promise<string[]> {
  return (await pubsubReferenceBuilt()) ? [] : [`no pubsub-ref at ${await pubsubReferencePath()}`];
}

/** Builds the reference binary (Go modules from the module proxy; about ten seconds). */
export async function buildPubsubReference(log: (line: string) => void): Promise<void> {
  const path = await pubsubReferencePath();
  if (await pubsubReferenceBuilt()) {
    log(`pubsub-ref (nats.go, pulsar-client-go, confluent-kafka-go): already built at ${path}`);
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  log('pubsub-ref (nats.go, pulsar-client-go, confluent-kafka-go): go build tools/pubsub-ref…');
  // cgo: confluent-kafka-go links the librdkafka it bundles (a C toolchain, which npm run setup installs).
  await execute('go', ['build', '-trimpath', '-o', path, '.'], { cwd: SOURCE_DIR, env: { CGO_ENABLED: '1' } });
  log(`pubsub-ref (nats.go, pulsar-client-go, confluent-kafka-go): built at ${path}`);
}
