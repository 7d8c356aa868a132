/** Scenario settings of the rocksmq target; every field maps to an engine option with the engine's default. */
import { z } from 'zod';
import { defaultRocksMQOptions as engine } from '../../engines/rocksmq/options.js';
import { durationField, sizeField } from '../../util/fields.js';
import { engineProcessField } from '../engine-host/process-field.js';

/** Schema of `settings:` for targets of type rocksmq. */
export const rocksmqSettingsSchema = z
  .object({
    store: z
      .enum(['auto', 'rocksdb', 'leveldb'])
      .default(engine.store)
      .describe('the key-value store: RocksDB (as RocksMQ; synchronous writes), LevelDB (classic-level), or auto: RocksDB where its binding loads and compression is on, else LevelDB'),
    sync: z.boolean().default(engine.sync).describe('fsync every write batch (RocksMQ default: false)'),
    compression: z.boolean().default(engine.compression).describe("block compression: RocksDB's ZSTD from the third level on (RocksMQ's default), LevelDB's snappy"),
    pageBytes: sizeField.default(engine.pageBytes).describe('payload bytes per retention page'),
    retentionMaxAge: durationField.default(engine.retentionMaxAgeMs).describe('delete acked pages older than this'),
    retentionMaxBytes: z
      .union([z.literal(-1), sizeField])
      .default(engine.retentionMaxBytes)
      .describe('delete the oldest acked pages while acked pages hold more than this; -1 = unlimited'),
    ackFlushInterval: durationField.default(engine.ackFlushIntervalMs).describe('longest time an ack stays in memory before it is persisted'),
    tailCacheBytes: sizeField.default(engine.tailCacheBytes).describe('recent messages kept in memory (one budget for all topics) for consumers at the tail; a message larger than a sixteenth of it is kept only when a consumer group waits at the tail'),
    writeBufferSize: sizeField.default(engine.writeBufferSize).describe("the store's memtable size"),
    maxFileSize: sizeField.default(engine.maxFileSize).describe("LevelDB's table file size (RocksDB sizes files from the memtable)"),
    cacheSize: sizeField.default(engine.cacheSize).describe("the store's block cache size"),
    consumeBatch: z.number().int().min(1).default(256).describe('messages the consumer reads per call'),
    process: engineProcessField,
  })
  .strict()
  .refine((settings) => settings.store !== 'rocksdb' || settings.compression, {
    path: ['compression'],
    message: 'compression: false needs store: leveldb or auto (on RocksDB the engine compresses levels from 2 on with ZSTD, as RocksMQ)',
  });

/** Resolved rocksmq settings. */
export type RocksmqSettings = z.output<typeof rocksmqSettingsSchema>;
