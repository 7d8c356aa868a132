/** The zod schema of scenario files; it yields both the TypeScript types and the JSON Schema for editors. */
import { z } from 'zod';
import { PROVIDER_CHOICES, type ProviderChoice } from '../targets/target.js';
import { targetDefinitions } from '../targets/registry.js';
import { workloadObjects } from '../workloads/params.js';
import { METRICS } from '../results/metrics.js';
import { countField, durationField, nameField } from '../util/fields.js';

/** Where targets run: docker containers, local processes, user-given endpoints, or auto (docker if it answers). */
export const providerSchema = z.enum(PROVIDER_CHOICES);

export type { ProviderChoice };

/** A target entry: a bare target type ("rocksmq") or a named, configured target. */
export const targetEntrySchema = z.union([
  nameField.describe('a target type with its default settings, e.g. rocksmq'),
  z
    .object({
      name: nameField.describe('the label of this target in results; also its type unless `type` is given'),
      type: nameField.optional().describe('the target type (rocksmq, ...); defaults to `name`'),
      provider: providerSchema.optional().describe('overrides the scenario provider for this target'),
      settings: z.record(z.string(), z.unknown()).default({}).describe("the target type's settings"),
    })
    .strict(),
]);

/** Each workload's schema with every field optional except `type`: the matrix may supply the rest. */
const partialWorkloadSchema = z.discriminatedUnion(
  'type',
  workloadObjects.map((option) => (option as z.ZodObject<{ type: z.ZodLiteral<string> }>).partial().required({ type: true })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<string> }>,
  ],
);

const matrixValueSchema = z.record(z.string(), z.unknown());

/** The matrix: the cross product of `axes`, plus `include`d combinations, minus `exclude`d ones. */
export const matrixSchema = z
  .object({
    axes: z
      .record(z.string(), z.array(z.unknown()).min(1))
      .default({})
      .describe('workload parameter → list of values; every combination becomes a case'),
    include: z.array(matrixValueSchema).default([]).describe('extra combinations, each a set of workload parameters'),
    exclude: z
      .array(matrixValueSchema)
      .default([])
      .describe('combinations to drop: a case matching every key of an entry is removed'),
  })
  .strict();

/** One published figure: the target it was measured on, the workload parameters of its point, and its value. */
const referenceFigureSchema = z
  .object({ target: z.string().min(1).describe("the scenario target this figure is set beside (by name)"), value: z.number().describe("the published value, in the metric's unit") })
  .catchall(z.union([z.string(), z.number()]))
  .describe('e.g. { target: rocksmq, payloadBytes: 1KB, messages: 50000, value: 0.898 }: every other key is a workload parameter the point must have');

/** Published figures a scenario reproduces, shown beside the measured ones in the report. */
export const referenceSchema = z
  .object({
    source: z.string().min(1).describe('where the figures were published (title, date, table)'),
    url: z.string().url().optional(),
    machine: z.string().optional().describe('what they were measured on'),
    metric: z.enum(METRICS.map((metric) => metric.key) as [string, ...string[]]).describe('the metric the figures are values of'),
    figures: z.array(referenceFigureSchema).min(1),
  })
  .strict();

/** Published figures of a scenario, as validated. */
export type ScenarioReference = z.output<typeof referenceSchema>;

/** The schema of a whole scenario file. */
export const scenarioSchema = z
  .object({
    $schema: z.string().optional().describe('path or URL of the JSON Schema, for editors'),
    name: nameField.describe('scenario name; used in report directory names'),
    description: z.string().default(''),
    seed: z.number().int().min(0).default(1).describe('seed of every generator (payloads, offsets, topic names)'),
    trials: countField.default(1).describe('trials per case; targets are interleaved between trials'),
    provider: providerSchema.default('auto'),
    targets: z.array(targetEntrySchema).min(1),
    workload: partialWorkloadSchema,
    warmup: z
      .object({
        operations: z.number().int().min(0).default(1).describe('unmeasured operations before each trial (pubsub)'),
        duration: durationField.default(0).describe('unmeasured time at the start of each trial (stream workloads)'),
      })
      .strict()
      .default({ operations: 1, duration: 0 }),
    matrix: matrixSchema.optional(),
    sampling: z
      .object({
        interval: durationField.default(250).describe('how often CPU, memory and throughput are sampled'),
      })
      .strict()
      .default({ interval: 250 }),
    neighbours: z
      .object({
        quietBelow: z
          .number()
          .min(0)
          .default(0.1)
          .describe('cores: before each trial, wait until every other target\'s broker (a run keeps each one up until it ends) uses less than this'),
        wait: durationField.default(30_000).describe('the longest wait for them to go quiet; a trial that begins beside a busy one, or during which one was busy, is marked in the report'),
      })
      .strict()
      .default({ quietBelow: 0.1, wait: 30_000 })
      .describe('other targets\' brokers up beside a trial: a bounded wait for them to go quiet before it, and their CPU during it'),
    pageCache: z
      .object({
        evict: z
          .boolean()
          .default(true)
          .describe('before each trial, drop from the page cache the data files of every broker the run started (the trial\'s own and the others\'), so that no trial pays for what an earlier one left cached'),
      })
      .strict()
      .default({ evict: true }),
    cleanup: z
      .boolean()
      .default(true)
      .describe('delete topics and data after each trial (after storage has been measured)'),
    reference: referenceSchema.optional().describe('published figures this scenario reproduces, shown beside the measured ones in the report'),
    workers: z
      .array(z.string().regex(/^wss?:\/\/[^/\s]+\/?$/, 'must be a worker address, ws://HOST:PORT'))
      .min(1)
      .optional()
      .describe('`mqbench worker` addresses (ws://HOST:PORT): the load clients (workload.clients) run on them, client k on worker k mod N'),
  })
  .strict();

/** A validated scenario file, before target resolution and matrix expansion. */
export type ScenarioFile = z.output<typeof scenarioSchema>;

type JsonSchema = Record<string, any>;

/**
 * The JSON Schema of scenario files (draft 2020-12), describing what may be written in them. Beyond what the zod
 * schema says, it names the target types known when it is generated (plugins' included), the workload fields a
 * matrix may set, and the fields each workload needs when no matrix supplies them, so that an editor flags what
 * `mqbench validate` rejects.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema: JsonSchema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  const types = targetDefinitions().map((definition) => definition.type);
  const [bareTarget, namedTarget] = schema.properties.targets.items.anyOf as JsonSchema[];
  bareTarget!.enum = types;
  namedTarget!.properties.type.enum = types;
  // Without `type`, the name is the type.
  namedTarget!.if = { not: { required: ['type'] } };
  namedTarget!.then = { properties: { name: { enum: types } } };
  const workloadFields = [...new Set(workloadObjects.flatMap((object) => Object.keys(object.shape)))].filter((field) => field !== 'type');
  const matrix = schema.properties.matrix.properties;
  matrix.axes.propertyNames = { enum: workloadFields };
  for (const list of [matrix.include, matrix.exclude]) list.items.propertyNames = { enum: workloadFields };
  schema.allOf = [
    {
      if: { not: { required: ['matrix'] } },
      then: {
        properties: {
          workload: {
            oneOf: workloadObjects.map((object) => ({
              properties: { type: { const: object.shape.type.value } },
              required: (z.toJSONSchema(object, { io: 'input', unrepresentable: 'any' }) as JsonSchema).required ?? ['type'],
            })),
          },
        },
      },
    },
  ];
  return { ...schema, title: 'mqbench scenario' };
}
