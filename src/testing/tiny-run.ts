/** Test helper: runs a small scenario for real (embedded rocksmq) into a temporary directory. */
import type { TestContext } from 'node:test';
import type { ResultFile } from '../results/result-file.js';
import { runScenario, type RunOptions } from '../run/runner.js';
import { LocalWorker } from '../run/worker.js';
import { parseScenario, type LoadOptions } from '../scenario/load.js';
import { tempDir } from './temp-dir.js';

/** A two-point pub/sub scenario on two rocksmq targets, small enough to finish in a few seconds. */
export const TINY_SCENARIO = `
name: tiny
seed: 7
targets:
  - rocksmq
  - name: rocksmq-sync
    type: rocksmq
    settings: { sync: true }
workload: { type: pubsub, operations: 2 }
warmup: { operations: 1 }
sampling: { interval: 50ms }
matrix:
  include:
    - { payloadBytes: 1KiB, messages: 300 }
    - { payloadBytes: 256KiB, messages: 20 }
`;

/**
 * Runs `text` (default TINY_SCENARIO) and returns the result and the output directory. Trials run in this process
 * (LocalWorker, fast, and able to use targets registered by the test) unless `isolated` asks for the default
 * process-per-trial worker.
 */
export async function tinyRun(
  t: TestContext,
  text = TINY_SCENARIO,
  options: Partial<RunOptions> & { load?: LoadOptions; isolated?: boolean } = {},
): Promise<{ result: ResultFile; outDir: string }> {
  const outDir = await tempDir(t, 'mqbench-run-');
  const loaded = parseScenario(text, 'tiny.yaml', { env: {}, ...options.load });
  const { isolated, ...runOptions } = options;
  const worker = runOptions.worker ?? (isolated ? undefined : new LocalWorker());
  const result = await runScenario(loaded, { outDir, command: 'npx mqbench run tiny.yaml', ...runOptions, ...(worker ? { worker } : {}) });
  return { result, outDir };
}
