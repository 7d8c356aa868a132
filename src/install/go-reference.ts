/**
 * The Go reference of the pub/sub operation (`tools/pubsub-ref`): the same operation through the Go client Milvus
 * uses, built from the source in this repository into the cache.
 */
import { GoTool } from './go-tool.js';

// cgo: confluent-kafka-go links the librdkafka it bundles (a C toolchain, which npm run setup installs).
const pubsubReference = new GoTool('pubsub-ref', 'pubsub-ref (nats.go, pulsar-client-go, confluent-kafka-go)', { CGO_ENABLED: '1' });

/** Where the reference binary of the current source lives in the cache. */
export function pubsubReferencePath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return pubsubReference.path(env);
}

/** What is missing of the reference binary, as an installer's status lists it (empty when it is built). */
export function pubsubReferenceMissing(): Promise<string[]> {
  return pubsubReference.missing();
}

/** Builds the reference binary (Go modules from the module proxy; about ten seconds). */
export function buildPubsubReference(log: (line: string) => void): Promise<void> {
  return pubsubReference.build(log);
}
