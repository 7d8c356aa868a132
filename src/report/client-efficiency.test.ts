import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../testing/fake-target.js';
import { tinyRun } from '../testing/tiny-run.js';
import { evaluateGate } from '../gate/evaluate.js';
import { parseGateRules } from '../gate/rules.js';
import { buildReportModel } from './model.js';
import { renderSummaryTable } from './table.js';
import { clientEfficiencyWarnings } from './client-efficiency.js';
import type { CaseResult } from '../results/result-file.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test("a point whose client wrote (or read back) below 0.8 of the broker's tool is flagged in the terminal table and the report, and fails a clientEfficiency (readEfficiency) gate; one above is not", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: client-limited
targets:
  - { name: slow-client, type: fake, settings: { toolMessagesPerSec: 100000000 } }
  - { name: fast-client, type: fake, settings: { toolMessagesPerSec: 1 } }
  - { name: no-tool, type: fake, settings: { toolError: "nats: command not found" } }
  - { name: slow-reader, type: fake, settings: { toolMessagesPerSec: 1, toolReadMessagesPerSec: 100000000 } }
  - { name: no-read-tool, type: fake, settings: { toolMessagesPerSec: 1, toolReadError: "consumer not found" } }
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 200, consumer: after }
`,
  );
  const table = renderSummaryTable(result);
  // The fake target is embedded, so its tool is named as on the same disk (a broker's wording: the test below).
  assert.match(table, /^! slow-client .*: mqbench wrote at 0% of fake-perf on the same disk: the embedded engine and the harness beside it in one process, not the storage underneath, limit this figure$/m);
  // (A loaded machine may add warnings of its own about the CPU other processes took.)
  assert.doesNotMatch(table, /^! fast-client .*(mqbench wrote|perf tool)/m);
  assert.match(table, /^! no-tool .*: the broker's perf tool did not run: nats: command not found$/m);
  assert.match(table, /^! slow-reader .*: mqbench read back at 0% of fake-perf on the same disk: the embedded engine and the harness's check of every message, not the storage underneath, limit the read figure$/m);
  assert.match(table, /^! no-read-tool .*: the broker's perf tool could not read back: consumer not found$/m);
  assert.match(table, /tool msg\/s.*vs tool.*read vs tool/);
  const rows = buildReportModel([result]).rows;
  assert.match(rows.find((row) => row.series === 'slow-client')!.note, /the embedded engine and the harness beside it in one process, not the storage underneath, limit this figure/);
  assert.doesNotMatch(rows.find((row) => row.series === 'fast-client')!.note, /mqbench wrote|perf tool/);
  // A gate can require the client to keep up with the broker's own tool.
  const rules = parseGateRules('clientEfficiency: ["value > 0.8"]\n', 'gates.yaml');
  const outcome = evaluateGate(rules, result.cases.map((entry) => ({ key: entry.target, baseline: entry, candidate: entry })));
  const status = (target: string) => outcome.results.find((entry) => entry.caseLabel.startsWith(target))?.status;
  assert.equal(status('slow-client'), 'fail');
  assert.equal(status('fast-client'), 'pass');
  const readRules = parseGateRules('readEfficiency: ["value > 0.8"]\n', 'gates.yaml');
  const readOutcome = evaluateGate(readRules, result.cases.map((entry) => ({ key: entry.target, baseline: entry, candidate: entry })));
  assert.equal(readOutcome.results.find((entry) => entry.caseLabel.startsWith('slow-reader'))?.status, 'fail');
});


test("a pub/sub operation slower than the Go reference's is flagged by how many times as long it took", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: reference-limited
targets:
  - { name: slow-round-trip, type: fake, settings: { referenceMessagesPerSec: 100000000 } }
  - { name: quick-round-trip, type: fake, settings: { referenceMessagesPerSec: 1 } }
workload: { type: pubsub, payloadBytes: 1KiB, messages: 50, operations: 2, reference: true }
`,
  );
  assert.equal(result.cases[0]!.trials[0]!.toolCeiling?.command, 'fake-ref --messages 50 --operations 2', 'the reference ran as many operations as the trial');
  const table = renderSummaryTable(result);
  assert.match(table, /^! slow-round-trip .*: mqbench's operation took [\d.]+× as long as fake-ref's on the same disk: the embedded engine's round trip, not the disk, sets part of this figure$/m);
  assert.doesNotMatch(table, /^! quick-round-trip .*as long as/m);
});

test("a broker's warning names mqbench's client against the same broker; an embedded engine's names the disk", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: reference-limited-broker
targets: [{ name: slow-round-trip, type: fake, settings: { referenceMessagesPerSec: 100000000 } }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 50, operations: 2, reference: true }
`,
  );
  const entry = result.cases[0]!;
  assert.equal(entry.summary!.resourceScope, 'shared', 'the fake target is embedded');
  const broker = { ...entry, summary: { ...entry.summary!, resourceScope: 'separate' as const } };
  assert.match(clientEfficiencyWarnings(broker)[0]!, /took [\d.]+× as long as fake-ref's against the same broker: mqbench's client, not the broker, sets part of this figure$/);
  const stream = { ...broker, params: { ...broker.params, type: 'stream' } } as CaseResult;
  assert.match(clientEfficiencyWarnings(stream)[0]!, /^mqbench wrote at \d+% of fake-ref against the same broker: mqbench's client, not the broker, limits this figure$/);
  assert.match(clientEfficiencyWarnings(entry)[0]!, /on the same disk: the embedded engine's round trip, not the disk, sets part of this figure$/);
});
