/** Scenario settings of the wal target: backend, every flush/block/segment setting of the engine, S3 location. */
import { z } from 'zod';
import { durationField, sizeField } from '../../util/fields.js';
import { dockerField, durabilityField } from '../common.js';
import { engineProcessField } from '../engine-host/process-field.js';

/** Schema of `settings:` for targets of type wal. Unset engine settings take the engine's per-backend defaults. */
export const walSettingsSchema = z
  .object({
    backend: z.enum(['s3', 'local']).default('s3').describe('s3: objects in an S3-compatible bucket (MinIO here); local: files on the local disk'),
    process: engineProcessField.describe('backend local only: ' + engineProcessField.description),
    localLayout: z
      .enum(['file-per-segment', 'file-per-block'])
      .default('file-per-segment')
      .describe('local backend only: file-per-segment appends each segment\'s blocks to one file, as Woodpecker\'s local storage does; file-per-block writes each block as its own file, as objects on S3'),
    durability: durabilityField.describe('the WAL acknowledges only durable blocks (S3 PUT done; local file fsynced), whatever this says'),
    flushInterval: durationField.optional().describe('flush this long after the first buffered entry (default 200ms on S3, 10ms on local disk)'),
    eagerFlushBlocks: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('also flush at once while fewer than this many blocks are being written (default 16 on local disk with file-per-segment, 1 with file-per-block, 0 (off) on S3)'),
    blockBytes: sizeField.optional().describe('ready bytes that trigger a flush, and the largest block (default 2MiB)'),
    maxBufferedBytes: sizeField.optional().describe('buffered bytes that trigger a flush and bound the buffer (default 256MiB)'),
    maxBufferedEntries: z.number().int().min(1).optional().describe('buffered entries that trigger a flush (default 10000)'),
    uploadConcurrency: z.number().int().min(1).optional().describe('parallel block uploads (default 16)'),
    uploadAttempts: z.number().int().min(1).optional().describe('attempts per block upload (default 5)'),
    segmentBytes: sizeField.optional().describe('roll the segment past this size (default 256MiB)'),
    segmentBlocks: z.number().int().min(1).optional().describe('roll the segment past this many blocks (default 1000)'),
    segmentAge: durationField.optional().describe('roll the segment past this age (default 10m)'),
    ceilingSeconds: z.number().min(0.5).default(5).describe('how long the raw backend ceiling probe runs'),
    s3: z
      .object({
        bucket: z.string().min(1),
        prefix: z.string().default(''),
        endpoint: z.string().optional().describe('omit for AWS S3'),
        region: z.string().optional(),
        forcePathStyle: z.boolean().optional(),
      })
      .strict()
      .optional()
      .describe('an existing bucket, for the external provider; credentials come from the AWS SDK chain'),
    docker: dockerField,
    external: z.object({ dataDir: z.string().optional() }).strict().optional(),
  })
  .strict();

/** Resolved wal settings. */
export type WalSettings = z.output<typeof walSettingsSchema>;
