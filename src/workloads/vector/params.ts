/** Parameters of the vector workload: a Milvus-shaped write path (inserts + time ticks) and read path (search, query). */
import { z } from 'zod';
import { countField, durationField, positiveDurationField } from '../../util/fields.js';

import { consistencyLevels, type ConsistencyLevel } from '../../targets/vector-store.js';

export { consistencyLevels, type ConsistencyLevel };

const readLoad = (what: string, rate: number, clients: number) =>
  z
    .object({
      rate: z.number().min(0).default(rate).describe(`${what} requests per second over all clients, open-loop (0 = none)`),
      clients: countField.default(clients).describe('concurrent clients'),
      consistency: z.array(z.enum(consistencyLevels)).min(1).default(['Strong', 'Bounded']).describe('levels used in turn by successive requests'),
    })
    .strict()
    .prefault({});

/** Schema of `workload:` when `type: vector`. */
export const vectorParamsSchema = z
  .object({
    type: z.literal('vector'),
    vectors: countField.default(1_000_000).describe('rows inserted'),
    dimension: z.number().int().min(2).max(4096).default(128),
    clusters: countField.default(256).describe('the generator draws vectors around this many centroids (clustered, not uniform noise)'),
    channels: countField.default(16).describe('DML channels (topics), like Milvus'),
    insertBatch: countField.default(500).describe('rows per insert message'),
    insertRate: z.number().min(0).default(20_000).describe('rows per second, open-loop (0 = as fast as the broker takes them)'),
    tickInterval: positiveDurationField.default(200).describe('time-tick period per channel'),
    segmentRows: countField.default(50_000).describe('the growing segment is sealed and indexed at this many rows'),
    index: z
      .object({
        M: z.number().int().min(2).default(16),
        efConstruction: z.number().int().min(1).default(100),
        efSearch: z.number().int().min(1).default(64),
      })
      .strict()
      .prefault({})
      .describe('HNSW parameters (hnswlib-node)'),
    topK: countField.default(10),
    search: readLoad('search', 20, 4),
    query: readLoad('query (by scalar filter, or by primary keys)', 10, 2).describe('queries alternate between a scalar filter and a primary-key lookup'),
    boundedStaleness: durationField.default(5000).describe('Bounded reads accept data this old'),
    afterIngest: durationField.default(20_000).describe('reads continue this long after the last insert'),
    recallQueries: z.number().int().min(0).default(100).describe('queries whose results are checked against exact search after ingest'),
    timeout: positiveDurationField.default(60_000).describe('the trial fails when nothing is acknowledged or delivered for this long'),
  })
  .strict();

/** Resolved vector parameters. */
export type VectorParams = z.output<typeof vectorParamsSchema>;
