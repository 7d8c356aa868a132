import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../testing/fake-target.js';
import { tinyRun } from '../testing/tiny-run.js';
import { evaluateGate } from '../gate/evaluate.js';
import { parseGateRules } from '../gate/rules.js';
import { buildReportModel } from './model.js';
import { renderSummaryTable } from './table.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test("a point whose client wrote below 0.8 of the broker's tool is flagged in the terminal table and the report, and fails a clientEfficiency gate; one above is not", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: client-limited
targets:
  - { name: slow-client, type: fake, settings: { toolMessagesPerSec: 100000000 } }
  - { name: fast-client, type: fake, settings: { toolMessagesPerSec: 1 } }
  - { name: no-tool, type: fake, settings: { toolError: "nats: command not found" } }
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 200 }
`,
  );
  const table = renderSummaryTable(result);
  assert.match(table, /^! slow-client .*: mqbench wrote at 0% of fake-perf against the same broker: mqbench's client, not the broker, limits this figure$/m);
  assert.doesNotMatch(table, /^! fast-client/m);
  assert.match(table, /^! no-tool .*: the broker's perf tool did not run: nats: command not found$/m);
  assert.match(table, /tool msg\/s.*vs tool/);
  const rows = buildReportModel([result]).rows;
  assert.match(rows.find((row) => row.series === 'slow-client')!.note, /mqbench's client, not the broker, limits this figure/);
  assert.equal(rows.find((row) => row.series === 'fast-client')!.note, '');
  // A gate can require the client to keep up with the broker's own tool.
  const rules = parseGateRules('clientEfficiency: ["value > 0.8"]\n', 'gates.yaml');
  const outcome = evaluateGate(rules, result.cases.map((entry) => ({ key: entry.target, baseline: entry, candidate: entry })));
  const status = (target: string) => outcome.results.find((entry) => entry.caseLabel.startsWith(target))?.status;
  assert.equal(status('slow-client'), 'fail');
  assert.equal(status('fast-client'), 'pass');
});

