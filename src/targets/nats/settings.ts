/** Scenario settings of the nats target (NATS server with JetStream). */
import { z } from 'zod';
import { countField, positiveDurationField, sizeField } from '../../util/fields.js';
import { dockerField, durabilityField } from '../common.js';

/** Schema of `settings:` for targets of type nats. */
export const natsSettingsSchema = z
  .object({
    durability: durabilityField,
    port: z.number().int().min(1).max(65535).optional().describe('client port of the local broker (default: a free port)'),
    syncInterval: z
      .string()
      .regex(/^(always|\d+(ms|s|m|h))$/, 'use "always" or a duration such as "2m"')
      .optional()
      .describe('JetStream sync_interval (server default 2m); overrides `durability`'),
    maxPayload: sizeField.default(8 * 1024 * 1024).describe('server max_payload (Milvus natsmq default: 8 MiB)'),
    ingestQueue: z
      .object({
        bytes: sizeField.optional().describe('JetStream max_buffered_size'),
        messages: countField.optional().describe('JetStream max_buffered_msgs'),
      })
      .strict()
      .optional()
      .describe(
        "the per-stream ingest queue of a server mqbench starts (server defaults when absent); a publish that finds it full is refused with 429 'too many requests' — e.g. 256 MiB-sized sends in flight exceed the default",
      ),
    publishTimeout: positiveDurationField
      .default(60_000)
      .describe(
        "how long a publish waits for its PubAck (nats.js's default is 5 s; with 1000 sends of 1 MiB in flight a PubAck takes that long by Little's law)",
      ),
    publish: z
      .enum(['pipelined', 'request'])
      .default('pipelined')
      .describe(
        "pipelined: each publish is a core publish with a reply inbox and its PubAck is matched when it returns, as `nats bench js pub async` and nats.go's PublishAsync do; request: nats.js's js.publish (a request, a timer and a header block per message)",
      ),
    consumer: z
      .enum(['durable-pull', 'ephemeral-push'])
      .default('durable-pull')
      .describe(
        "durable-pull: a durable pull consumer, explicit ack per message (mqbench's default); ephemeral-push: the shape of Milvus's natsmq — an ephemeral push consumer, explicit acks sent without waiting (flow control on)",
      ),
    consumeMaxBytes: sizeField.default(32 * 1024 * 1024).describe('most bytes a pull request of the consumer asks for: it pulls up to 1,000 messages, fewer where they would pass this (by bytes where the message size is not known)'),
    docker: dockerField,
    external: z
      .object({
        servers: z.string().min(1).describe('e.g. nats://host:4222; user info (nats://user:password@host, nats://token@host) is taken as credentials'),
        dataDir: z.string().optional(),
        user: z.string().optional(),
        password: z.string().optional().describe('prefer passwordFile or MQBENCH_NATS_PASSWORD: a scenario file is copied into results (redacted)'),
        passwordFile: z.string().optional().describe('a file holding the password'),
        token: z.string().optional().describe('prefer tokenFile or MQBENCH_NATS_TOKEN'),
        tokenFile: z.string().optional().describe('a file holding the token'),
        credsFile: z.string().optional().describe('a .creds file (JWT and NKey seed), or MQBENCH_NATS_CREDS'),
        tls: z.object({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() }).strict().optional(),
      })
      .strict()
      .optional()
      .describe('an existing server, for the external provider (or set MQBENCH_NATS_URL)'),
  })
  .strict();

/** Resolved nats settings. */
export type NatsSettings = z.output<typeof natsSettingsSchema>;

/** The JetStream sync_interval the settings ask for. */
export function syncIntervalOf(settings: NatsSettings): string {
  return settings.syncInterval ?? (settings.durability === 'fsync' ? 'always' : '2m');
}
