/**
 * result.json: one file per run, versioned and self-describing. Its contract is the zod schema below (with the
 * schemas of its parts, each beside the code that writes it), and its TypeScript types come from it: fields may be
 * added, never renamed. Trials are stored whole (encoded histograms, series) so every figure can be recomputed.
 */
import { z } from 'zod';
import { referenceSchema } from '../scenario/schema.js';
import { driverDescriptionSchema } from '../targets/driver.js';
import { caseSummarySchema } from './summary-schema.js';
import { statusSchema, trialRecordSchema } from './trial.js';

/** Version of the result format this code writes and reads. */
export const RESULT_SCHEMA_VERSION = 1;

/** Facts about one target as it ran. */
export const targetManifestSchema = z.object({
  type: z.string(),
  provider: z.string(),
  settings: z.unknown(),
  /** What the provisioner reported (binary version, data dir, image digest...). */
  instance: z.record(z.string(), z.unknown()),
  /** What the driver reported on its first connection. */
  driver: driverDescriptionSchema.optional(),
  /** Set when the target could not be provisioned. */
  error: z.string().optional(),
});

/** Facts about one target as it ran. */
export type TargetManifest = z.infer<typeof targetManifestSchema>;

/** The manifest: everything needed to know what ran and to run it again. */
export const manifestSchema = z.object({
  tool: z.object({ name: z.string(), version: z.string(), gitSha: z.string(), dirty: z.boolean() }),
  /** `reference`: the published figures the scenario reproduces (not part of the configuration hash). */
  scenario: z.object({
    name: z.string(),
    path: z.string(),
    sha256: z.string(),
    text: z.string(),
    resolved: z.unknown(),
    overrides: z.array(z.string()),
    reference: referenceSchema.optional(),
  }),
  /** sha256 of the resolved configuration (scenario after overrides): equal hashes mean comparable runs. */
  configHash: z.string(),
  machine: z.object({ cpuModel: z.string(), cores: z.number(), memoryBytes: z.number(), os: z.string(), kernel: z.string(), hostname: z.string() }),
  node: z.string(),
  provider: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  seed: z.number(),
  /** The command line that reproduces the run. */
  command: z.string(),
  /** Every MQBENCH_* variable of the table (docs/cli.md) that was set, credentials by name only; absent before 2026-11-30. */
  environment: z.record(z.string(), z.string()).optional(),
  /** The memory allocator of mqbench's trial and load-client processes (jemalloc where installed); absent before 2026-12-03. */
  allocator: z.string().optional(),
  targets: z.record(z.string(), targetManifestSchema),
});

/** The manifest of a run. */
export type Manifest = z.infer<typeof manifestSchema>;

const caseFields = {
  id: z.string(),
  target: z.string(),
  workload: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** Human label of the parameter point, e.g. "1MiB × 500". */
  label: z.string(),
  failures: z.array(z.string()),
  summary: caseSummarySchema.nullable(),
  trials: z.array(trialRecordSchema),
};

/** One case of the run, by its outcome (as a trial's): an errored case says why. */
export const caseResultSchema = z.discriminatedUnion('status', [
  z.object({ ...caseFields, status: z.literal('passed'), error: z.string().optional() }),
  z.object({ ...caseFields, status: z.literal('failed'), error: z.string().optional() }),
  z.object({ ...caseFields, status: z.literal('errored'), error: z.string() }),
  z.object({ ...caseFields, status: z.literal('incomplete'), error: z.string().optional() }),
]);

/** One case of the run (a union on `status`). */
export type CaseResult = z.infer<typeof caseResultSchema>;

/** A whole result file. */
export const resultFileSchema = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  status: statusSchema,
  /** Why the run is incomplete or errored, when it is. */
  reason: z.string().optional(),
  manifest: manifestSchema,
  cases: z.array(caseResultSchema),
});

/** A whole result file. */
export type ResultFile = z.infer<typeof resultFileSchema>;
