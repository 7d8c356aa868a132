/** Scenario settings of the rocksmq target; every field maps to an engine option (see engines/rocksmq/options.ts). */
import { z } from 'zod';
import { durationField, sizeField } from '../../scenario/fields.js';

/** Schema of `settings:` for targets of type rocksmq. */
export const rocksmqSettingsSchema = z
  .object({
    sync: z.boolean().default(false).describe('fsync every write batch (RocksMQ default: false)'),
    compression: z.boolean().default(true).describe("LevelDB's snappy compression"),
    pageBytes: sizeField.default(64 * 1024 * 1024).describe('payload bytes per retention page'),
    retentionMaxAge: durationField.default(3 * 24 * 3600 * 1000).describe('delete acked pages older than this'),
    retentionMaxBytes: z
      .union([z.literal(-1), sizeField])
      .default(-1)
      .describe('delete the oldest acked pages while acked pages hold more than this; -1 = unlimited'),
    ackFlushInterval: durationField.default(100).describe('longest time an ack stays in memory before it is persisted'),
    writeBufferSize: sizeField.default(64 * 1024 * 1024).describe('LevelDB memtable size'),
    maxFileSize: sizeField.default(64 * 1024 * 1024).describe('LevelDB table file size'),
    cacheSize: sizeField.default(8 * 1024 * 1024).describe('LevelDB block cache size'),
    consumeBatch: z.number().int().min(1).default(256).describe('messages the consumer reads per call'),
  })
  .strict();

/** Resolved rocksmq settings. */
export type RocksmqSettings = z.output<typeof rocksmqSettingsSchema>;
