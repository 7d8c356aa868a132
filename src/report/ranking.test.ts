import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../testing/fake-target.js';
import { tinyRun } from '../testing/tiny-run.js';
import { renderHtmlReport } from './html.js';
import { rankPoints } from './ranking.js';
import { renderSummaryTable } from './table.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test('a multi-target run ranks the targets at each point on its key metric, with the ratio to the best and its CI', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: ranking
trials: 3
targets:
  - { name: quick, type: fake }
  - { name: slow, type: fake, settings: { sendDelayMs: 2 } }
workload: { type: pubsub, payloadBytes: 1KiB, messages: 100, operations: 2 }
warmup: { operations: 0 }
`,
  );
  const [ranking] = rankPoints(result);
  assert.equal(ranking?.metric.key, 'opSeconds.mean', 'pub/sub points are ranked on s/op');
  assert.deepEqual(ranking!.targets.map((entry) => entry.target), ['quick', 'slow']);
  const slow = ranking!.targets[1]!;
  assert.ok(slow.ratio > 1.5, `a 2 ms send delay makes 100 sends far slower: ${slow.ratio}`);
  assert.ok(slow.ci95 && slow.ci95[0] > 1 && slow.significant === true, JSON.stringify(slow));
  assert.match(renderSummaryTable(result), /^ {2}1KiB×100 random — s\/op \(lower is better\): quick [\d.]+ s \(best\) · slow [\d.]+× \[[\d.]+–[\d.]+\]$/m);
  const html = renderHtmlReport([result]);
  assert.match(html, /<section id="ranking">/);
  assert.ok(html.indexOf('id="ranking"') < html.indexOf('id="summary"'), 'the ranking comes first');

  // One trial: a ratio, but no interval and no verdict.
  const { result: single } = await tinyRun(t, 'name: one\ntargets: [{ name: a, type: fake }, { name: b, type: fake }]\nworkload: { type: pubsub, payloadBytes: 1KiB, messages: 50, operations: 1 }\nwarmup: { operations: 0 }\n');
  const second = rankPoints(single)[0]!.targets[1]!;
  assert.equal(second.ci95, null);
  assert.equal(second.significant, null);
  assert.match(renderSummaryTable(single), new RegExp(`${second.target} [\\d.]+× \\?$`, 'm'));
});
