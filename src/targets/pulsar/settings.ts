/** Scenario settings of the pulsar target (Apache Pulsar standalone). */
import { z } from 'zod';
import { sizeField } from '../../util/fields.js';
import { dockerField, durabilityField } from '../common.js';

/** What a local standalone does about fsync under each `durability`: the one statement the description and manifest use. */
export const PULSAR_FSYNC = {
  default: 'none: standalone.conf ships journalSyncData=false, so the bookie acknowledges entries its journal has not fsynced',
  fsync: 'bookie journal fsynced before each acknowledgement (journalSyncData=true, group commit, journalMaxGroupWaitMSec=1)',
} as const;

/** Schema of `settings:` for targets of type pulsar. */
export const pulsarSettingsSchema = z
  .object({
    client: z
      .enum(['auto', 'native', 'binary', 'websocket'])
      .default('auto')
      .describe(
        "native: the pulsar-client package (libpulsar); binary: mqbench's own client of Pulsar's binary protocol (pure TypeScript); websocket: the broker's WebSocket API (JSON and base64 per message, done inside the broker); auto: native where it loads, else binary",
      ),
    batching: z
      .boolean()
      .default(true)
      .describe('client: binary — concurrent sends share one entry (Pulsar batch format) as the Java client batches by default; a lone send is never held back'),
    durability: durabilityField.describe(`default: ${PULSAR_FSYNC.default}; fsync: ${PULSAR_FSYNC.fsync}`),
    heap: z.string().regex(/^\d+[mg]$/).default('1g').describe('JVM heap of the local standalone (-Xms/-Xmx)'),
    directMemory: z.string().regex(/^\d+[mg]$/).default('1g').describe('JVM -XX:MaxDirectMemorySize'),
    maxMessageSize: sizeField.default(10 * 1024 * 1024).describe('broker maxMessageSize, bookie frame size and WebSocket frame size'),
    receiverQueueSize: z.number().int().min(1).max(1000).default(1000).describe('consumer receiver queue (the WebSocket API caps it at 1000)'),
    port: z.number().int().min(1).max(65535).optional().describe('broker service port of the local standalone (default: free)'),
    docker: dockerField,
    external: z
      .object({
        webServiceUrl: z.string().url(),
        serviceUrl: z.string().optional(),
        token: z.string().optional().describe('a token (JWT) for an authenticated cluster; prefer tokenFile or MQBENCH_PULSAR_TOKEN: a scenario file is copied into results (redacted)'),
        tokenFile: z.string().optional().describe('a file holding the token'),
        tls: z.object({ caFile: z.string().describe("the CA (PEM) the cluster's certificate is checked against") }).strict().optional().describe('for pulsar+ssl:// and https:// URLs'),
      })
      .strict()
      .optional()
      .describe('an existing cluster, for the external provider (or MQBENCH_PULSAR_WEB_URL / MQBENCH_PULSAR_URL)'),
  })
  .strict();

/** Resolved pulsar settings. */
export type PulsarSettings = z.output<typeof pulsarSettingsSchema>;
