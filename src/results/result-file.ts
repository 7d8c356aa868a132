/**
 * result.json: one file per run, versioned and self-describing. The zod schema below is the contract later tools
 * (report, compare, gates) read: fields may be added, never renamed. Trials are stored whole (encoded histograms,
 * series) so every figure can be recomputed.
 */
import { z } from 'zod';
import type { DriverDescription } from '../targets/driver.js';
import type { ScenarioReference } from '../scenario/schema.js';
import type { CaseSummary } from './summary.js';
import type { Status, TrialRecord } from './trial.js';

/** Version of the result format this code writes and reads. */
export const RESULT_SCHEMA_VERSION = 1;

const statusSchema = z.enum(['passed', 'failed', 'errored', 'incomplete']);
const latencySchema = z.looseObject({
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  count: z.number(),
});
const nullableNumber = z.number().nullable();

/** The contract of a case summary. */
export const caseSummarySchema = z.looseObject({
  opSeconds: z.looseObject({ mean: z.number(), p50: z.number(), p99: z.number() }).nullable(),
  publishLatencyMs: latencySchema,
  e2eLatencyMs: latencySchema,
  throughput: z.looseObject({ messagesPerSec: z.number(), megabytesPerSec: z.number() }),
  cpuSeconds: z.looseObject({ broker: nullableNumber, client: z.number() }),
  peakRssBytes: z.looseObject({ broker: nullableNumber, client: z.number() }),
  storageBytes: nullableNumber,
  delivery: z.looseObject({
    published: z.number(),
    acknowledged: z.number(),
    delivered: z.number(),
    lost: z.number(),
    duplicated: z.number(),
    outOfOrder: z.number(),
    corrupt: z.number(),
  }),
});

/** The contract of a whole result file. */
export const resultFileSchema = z.looseObject({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  status: statusSchema,
  manifest: z.looseObject({
    tool: z.looseObject({ name: z.string(), version: z.string(), gitSha: z.string() }),
    scenario: z.looseObject({ name: z.string(), path: z.string(), sha256: z.string(), text: z.string() }),
    machine: z.looseObject({ cpuModel: z.string(), cores: z.number(), memoryBytes: z.number(), os: z.string(), kernel: z.string() }),
    node: z.string(),
    provider: z.string(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    seed: z.number(),
  }),
  cases: z.array(
    z.looseObject({
      id: z.string(),
      target: z.string(),
      workload: z.string(),
      params: z.record(z.string(), z.unknown()),
      status: statusSchema,
      summary: caseSummarySchema.nullable(),
      trials: z.array(z.looseObject({ number: z.number(), status: statusSchema })),
    }),
  ),
});

/** Facts about one target as it ran. */
export interface TargetManifest {
  type: string;
  provider: string;
  settings: unknown;
  /** What the provisioner reported (binary version, data dir, image digest...). */
  instance: Record<string, unknown>;
  /** What the driver reported on its first connection. */
  driver?: DriverDescription;
  /** Set when the target could not be provisioned. */
  error?: string;
}

/** The manifest: everything needed to know what ran and to run it again. */
export interface Manifest {
  tool: { name: string; version: string; gitSha: string; dirty: boolean };
  /** `reference`: the published figures the scenario reproduces (not part of the configuration hash). */
  scenario: { name: string; path: string; sha256: string; text: string; resolved: unknown; overrides: string[]; reference?: ScenarioReference };
  /** sha256 of the resolved configuration (scenario after overrides): equal hashes mean comparable runs. */
  configHash: string;
  machine: { cpuModel: string; cores: number; memoryBytes: number; os: string; kernel: string; hostname: string };
  node: string;
  provider: string;
  startedAt: string;
  endedAt: string | null;
  seed: number;
  /** The command line that reproduces the run. */
  command: string;
  /** Every MQBENCH_* variable of the table (docs/cli.md) that was set, credentials by name only; absent before 2026-11-30. */
  environment?: Record<string, string>;
  targets: Record<string, TargetManifest>;
}

/** One case of the run. */
export interface CaseResult {
  id: string;
  target: string;
  workload: string;
  params: Record<string, unknown>;
  /** Human label of the parameter point, e.g. "1MiB × 500". */
  label: string;
  status: Status;
  error?: string;
  failures: string[];
  summary: CaseSummary | null;
  trials: TrialRecord[];
}

/** A whole result file. */
export interface ResultFile {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  status: Status;
  /** Why the run is incomplete or errored, when it is. */
  reason?: string;
  manifest: Manifest;
  cases: CaseResult[];
}
