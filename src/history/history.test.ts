import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../testing/temp-dir.js';
import { InputError } from '../util/errors.js';
import { findChanges } from './changes.js';
import { HISTORY_VERSION, machineName, type HistoryEntry } from './entry.js';
import { seriesOf } from './series.js';
import { addEntry, loadEntries } from './store.js';
import { noisySeries, step } from './synthetic.js';
import { renderTrendReport } from './trend-report.js';

/** An entry of one case (`target`) whose key metric, msg/s, is `value`. */
function entry(index: number, value: number, overrides: Partial<HistoryEntry> = {}, target = 'nats'): HistoryEntry {
  const at = new Date(Date.UTC(2026, 10, 1) + index * 3_600_000).toISOString();
  return {
    historyVersion: HISTORY_VERSION,
    resultId: `r${String(index).padStart(4, '0')}${overrides.machine ?? ''}${overrides.configHash ?? ''}`.replace(/[^a-z0-9]/gi, ''),
    at,
    addedAt: at,
    sha: `${index.toString(16).padStart(4, '0')}${'a'.repeat(36)}`,
    ref: 'main',
    dirty: false,
    machine: '2c-24g-test-cpu',
    scenario: 'quick',
    configHash: 'c'.repeat(64),
    resultStatus: 'passed',
    cases: [
      {
        id: `${target}/stream/1KiB`,
        target,
        workload: 'stream',
        label: '1KiB',
        status: 'passed',
        keyMetric: 'throughput.messagesPerSec',
        metrics: {
          'throughput.messagesPerSec': { value, ci95: [value * 0.97, value * 1.03], trials: [value * 0.98, value, value * 1.02] },
          'cpuSeconds.client': { value: 1, ci95: null, trials: [1] },
        },
      },
    ],
    ...overrides,
  };
}

test('machine names come from the hardware, not the hostname', () => {
  const machine = { cpuModel: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', cores: 2, memoryBytes: 24 * 2 ** 30, os: 'Linux', kernel: '6.1', hostname: 'runner-17' };
  assert.equal(machineName(machine), '2c-24g-intel-xeon-platinum-8375c');
  assert.equal(machineName({ ...machine, hostname: 'runner-18', kernel: '6.2' }), machineName(machine));
});

test('the store: one file per result, the same result added twice is one entry, oldest first however added', async (t) => {
  const dir = join(await tempDir(t), 'store');
  // Added out of order, as concurrent CI jobs may.
  for (const index of [2, 0, 1]) assert.equal((await addEntry(dir, entry(index, 100))).added, true);
  assert.equal((await addEntry(dir, entry(1, 100))).added, false);
  assert.equal((await readdir(dir)).length, 3);
  assert.deepEqual((await loadEntries(dir)).map((loaded) => loaded.resultId), ['r0000', 'r0001', 'r0002']);
});

test('a bad store names the file and the field; a missing one says how to start it', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...entry(0, 1), sha: 42 }));
  await assert.rejects(loadEntries(dir), (error: InputError) => error.issues[0]!.source.endsWith('bad.json') && error.issues[0]!.path === 'sha');
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ historyVersion: 9 }));
  await assert.rejects(loadEntries(dir), /historyVersion.*this mqbench reads version 1/s);
  await assert.rejects(loadEntries(join(dir, 'none')), /does not exist \(add results with mqbench history add/);
});

test('series never mix machines or configurations; the key metric is the default', () => {
  const entries = [0, 1, 2].flatMap((index) => [entry(index, 100), entry(index, 50, { machine: 'other' }), entry(index, 70, { configHash: 'd'.repeat(64) })]);
  const series = seriesOf(entries, { metrics: 'key' });
  assert.equal(series.length, 3);
  for (const one of series) {
    assert.equal(one.points.length, 3);
    assert.equal(new Set(one.points.map((point) => point.value)).size, 1, one.key);
  }
  assert.equal(seriesOf(entries, { metrics: 'all' }).length, 6);
  assert.equal(seriesOf(entries, { metrics: ['cpuSeconds.client'], machine: 'other' }).length, 1);
  assert.equal(seriesOf(entries, { metrics: 'key', since: entries[3]!.at }).every((one) => one.points.length === 2), true);
});

test('across configurations (--across-configs): a setting changed part-way is one series with a change point that says so', () => {
  const values = noisySeries(20, step(1000, 600, 12), 0.03, 9);
  const entries = values.map((value, index) => entry(index, value, index >= 12 ? { configHash: 'e'.repeat(64) } : {}));
  const apart = seriesOf(entries, { metrics: 'key' });
  assert.deepEqual(apart.map((one) => one.points.length), [12, 8], 'by default, a series per configuration');
  assert.equal(findChanges(apart).changes.length, 0);
  const across = seriesOf(entries, { metrics: 'key', acrossConfigurations: true });
  assert.equal(across.length, 1);
  const [change] = findChanges(across).changes;
  assert.equal(change!.index, 12);
  assert.equal(change!.configurationChanged, true);
});

test('a 20 % throughput drop part-way is found, with its commit range, levels and direction; it fails the gate while recent', () => {
  const values = noisySeries(30, step(1000, 800, 26), 0.04, 5);
  const entries = values.map((value, index) => entry(index, value));
  const report = findChanges(seriesOf(entries, { metrics: 'key' }));
  assert.equal(report.changes.length, 1);
  const [change] = report.changes;
  assert.equal(change!.index, 26);
  assert.equal(change!.lastBefore.sha, entries[25]!.sha);
  assert.equal(change!.firstAfter.sha, entries[26]!.sha);
  assert.equal(change!.direction, 'worse', 'msg/s is better higher');
  assert.ok(Math.abs(change!.change + 0.2) < 0.05, `${change!.change}`);
  assert.ok(Math.abs(change!.levelBefore - 1000) < 40 && Math.abs(change!.levelAfter - 800) < 40);
  assert.equal(change!.recent, true, 'among the last 5 of 30');
  assert.equal(findChanges(seriesOf(entries, { metrics: 'key' }), { recent: 3 }).changes[0]!.recent, false);
  // The same step for a lower-is-better metric is a change for the better.
  const latency = entries.map((one) => ({ ...one, cases: one.cases.map((entryCase) => ({ ...entryCase, keyMetric: 'e2eLatencyMs.p99', metrics: { 'e2eLatencyMs.p99': entryCase.metrics['throughput.messagesPerSec']! } })) }));
  assert.equal(findChanges(seriesOf(latency, { metrics: 'key' })).changes[0]!.direction, 'better');
  // Below --min-change it is not reported.
  assert.equal(findChanges(seriesOf(entries, { metrics: 'key' }), { minChange: 0.3 }).changes.length, 0);
  // Too few results to split.
  assert.equal(findChanges(seriesOf(entries.slice(0, 5), { metrics: 'key' })).tooShort.length, 1);
});

test('the trend page carries every series and change point, inlined and escaped', () => {
  const entries = noisySeries(12, step(1000, 700, 6), 0.03, 2).map((value, index) => entry(index, value, {}, 'na<ts'));
  const series = seriesOf(entries, { metrics: 'key' });
  const html = renderTrendReport({ store: 'history', results: entries.length, series, report: findChanges(series) });
  assert.match(html, /12 results in history · 1 series · 1 change point /);
  assert.match(html, /<tr class="worse">/);
  assert.doesNotMatch(html, /na<ts/);
  assert.doesNotMatch(html, /<script src=|<link /, 'nothing loaded from outside the page');
});
