/**
 * The Go references of the pub/sub operation, built from the source in this repository into the cache:
 * `tools/pubsub-ref` (the same operation through the Go client Milvus uses for nats, pulsar and kafka) and
 * `tools/rocksmq-ref` (through Milvus's own RocksMQ, for the embedded rocksmq engine).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_ROOT } from '../util/tool-root.js';
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

// cgo against the system's RocksDB (Debian's librocksdb-dev); the shim declares what RocksDB 7 removed from its C API.
const rocksmqReference = new GoTool('rocksmq-ref', "rocksmq-ref (Milvus's RocksMQ, milvus pkg/v2 on RocksDB)", {
  CGO_ENABLED: '1',
  CGO_CFLAGS: `-I${join(TOOL_ROOT, 'tools', 'rocksmq-ref', 'shim')} -O2`,
});

/** Where Milvus's RocksMQ reference binary of the current source lives in the cache. */
export function rocksmqReferencePath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return rocksmqReference.path(env);
}

/** What is missing of Milvus's RocksMQ reference: the RocksDB headers it builds against, or the binary. */
export async function rocksmqReferenceMissing(): Promise<string[]> {
  if (!existsSync(ROCKSDB_HEADER)) return [`no RocksDB C headers (${ROCKSDB_HEADER}; Debian: apt-get install librocksdb-dev)`];
  return rocksmqReference.missing();
}

/** Builds Milvus's RocksMQ reference (needs librocksdb-dev; Go modules from the module proxy; about a minute). */
export async function buildRocksmqReference(log: (line: string) => void): Promise<void> {
  if (!existsSync(ROCKSDB_HEADER)) {
    throw new Error(`rocksmq-ref builds against the system's RocksDB, and ${ROCKSDB_HEADER} is missing: install librocksdb-dev (apt-get install librocksdb-dev), or run npm run setup as root`);
  }
  await rocksmqReference.build(log);
}

/** The header Debian's librocksdb-dev installs. */
const ROCKSDB_HEADER = '/usr/include/rocksdb/c.h';
