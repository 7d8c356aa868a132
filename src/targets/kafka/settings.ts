/** Scenario settings of the kafka target (Apache Kafka, KRaft single node). */
import { SASL_MECHANISMS } from './auth.js';
import { z } from 'zod';
import { durationField, sizeField } from '../../util/fields.js';
import { dockerField, durabilityField } from '../common.js';

/** Schema of `settings:` for targets of type kafka. */
export const kafkaSettingsSchema = z
  .object({
    client: z
      .enum(['kafkajs', 'confluent'])
      .default('confluent')
      .describe('confluent: @confluentinc/kafka-javascript (librdkafka, as Milvus uses through confluent-kafka-go; the default) or kafkajs (pure JS)'),
    consumerClient: z
      .enum(['confluent', 'confluent-go', 'confluent-binding', 'kafkajs'])
      .optional()
      .describe(
        "the client consumers use (default: the same as client). confluent: librdkafka, for messages under 4 KiB through confluent-kafka-go (Milvus's consumer client) in mqbench's kafka-reader process, for larger ones through librdkafka's Node binding in the worker (which copies each message once, where the pipe to kafka-reader copies it three more times); the binding throughout where kafka-reader is not built, which the manifest notes. confluent-go: kafka-reader at every size. confluent-binding: the Node binding at every size, which holds a 1 KiB read near 80–125k msg/s here. kafkajs: pure JS (docs/calibration.md)",
      ),
    linger: durationField
      .default(0)
      .describe(
        "client: confluent — how long a producer waits for more sends to fill a batch (librdkafka linger.ms). 0 (the default): a send awaited alone (pub/sub) is not held back, and concurrent sends still share requests once 5 are in flight (the Java producer's default is 5 ms)",
      ),
    producerProperties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe('client: confluent — further librdkafka producer properties (e.g. { "max.in.flight.requests.per.connection": 5 }), recorded in the manifest'),
    partitions: z.number().int().min(1).default(1).describe('partitions per topic'),
    durability: durabilityField,
    port: z.number().int().min(1).max(65535).optional().describe('client port of the local broker (default: a free port)'),
    heap: z.string().regex(/^\d+[mg]$/).default('768m').describe('JVM heap of the local broker (-Xms/-Xmx)'),
    messageMaxBytes: sizeField.default(10 * 1024 * 1024).describe('broker message.max.bytes and replica.fetch.max.bytes'),
    fetchMaxBytes: sizeField.default(16 * 1024 * 1024).describe('consumer fetch size per partition'),
    docker: dockerField,
    external: z
      .object({
        brokers: z.string().min(1).describe('bootstrap servers, e.g. host:9092'),
        dataDir: z.string().optional(),
        sasl: z
          .object({
            mechanism: z.enum(SASL_MECHANISMS),
            username: z.string().optional().describe('or MQBENCH_KAFKA_SASL_USERNAME'),
            password: z.string().optional().describe('prefer passwordFile or MQBENCH_KAFKA_SASL_PASSWORD: a scenario file is copied into results (redacted)'),
            passwordFile: z.string().optional(),
          })
          .strict()
          .optional()
          .describe('SASL authentication (or MQBENCH_KAFKA_SASL_MECHANISM / _USERNAME / _PASSWORD)'),
        ssl: z.union([z.boolean(), z.object({ caFile: z.string().optional() }).strict()]).optional().describe('TLS to the brokers, with a CA file if the brokers\' certificate needs one'),
      })
      .strict()
      .optional()
      .describe('an existing cluster, for the external provider (or set MQBENCH_KAFKA_BROKERS)'),
  })
  .strict();

/** Resolved kafka settings. */
export type KafkaSettings = z.output<typeof kafkaSettingsSchema>;
