/** Settings of the `woodpecker` target: the real Woodpecker, through its own Go client, on local disk or MinIO. */
import { z } from 'zod';
import { durationField, sizeField } from '../../util/fields.js';
import { durabilityField } from '../common.js';

/** Schema of `settings:` for the woodpecker target. */
export const woodpeckerSettingsSchema = z
  .object({
    durability: durabilityField.describe('Woodpecker acknowledges a block once it is synced (local disk) or written (MinIO), whatever this says'),
    storage: z.enum(['local', 'minio']).default('local').describe("local: Woodpecker's local-disk storage; minio: objects in a MinIO the helper runs beside it"),
    syncInterval: durationField
      .default(200)
      .describe('logstore.segmentSyncPolicy.maxInterval: the longest an append waits for its block to be flushed to object storage (Woodpecker\'s shipped woodpecker.yaml: 200 ms)'),
    localSyncInterval: durationField
      .default(10)
      .describe('logstore.segmentSyncPolicy.maxIntervalForLocalStorage: the same for local storage (shipped: 10 ms)'),
    maxFlushSize: sizeField.default(2_000_000).describe('logstore.segmentSyncPolicy.maxFlushSize: the largest block (shipped: 2 MB)'),
    segmentMaxSize: sizeField
      .default(256_000_000)
      .describe('client.segmentRollingPolicy.maxSize: a segment rolls over at this size (shipped: 256 MB; a roll with nothing in flight waits 5 s on local storage)'),
  })
  .strict()
  .prefault({});

/** Resolved woodpecker settings. */
export type WoodpeckerSettings = z.output<typeof woodpeckerSettingsSchema>;

/** The woodpecker.yaml the helper loads over Woodpecker's code defaults: every setting that bears on a run, pinned. */
export function woodpeckerConfig(settings: WoodpeckerSettings): string {
  // Woodpecker's code defaults differ from its shipped woodpecker.yaml (sync interval, flush size, queue size, segment
  // size): each is written here, with the shipped value unless a setting says otherwise.
  return `woodpecker:
  client:
    segmentAppend: { queueSize: 10000, maxRetries: 3 }
    segmentRollingPolicy: { maxSize: ${settings.segmentMaxSize}, maxInterval: 600, maxBlocks: 1000 }
  logstore:
    segmentSyncPolicy:
      maxInterval: ${Math.round(settings.syncInterval)}
      maxIntervalForLocalStorage: ${Math.round(settings.localSyncInterval)}
      maxEntries: 10000
      maxBytes: 256000000
      maxFlushRetries: 5
      retryInterval: 1000
      maxFlushSize: ${settings.maxFlushSize}
      maxFlushThreads: 32
log:
  level: error
minio:
  requestTimeoutMs: 10000
`;
}
