import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveOptions } from '../../engines/rocksmq/options.js';
import { tempDir } from '../../testing/temp-dir.js';
import { probeRawLevel } from './raw-level.js';

for (const [kind, tool] of [['rocksdb', /^raw RocksDB \(@nxtedition\/rocksdb \d+\.\d+\.\d+\) reads$/], ['leveldb', /^raw LevelDB \(classic-level \d+\.\d+\.\d+\) reads$/]] as const) {
  test(`the raw ${kind} calibration writes every message, reads them all back in key order, and removes its store`, async (t) => {
    const directory = join(await tempDir(t), 'raw');
    const spec = { messageBytes: 1024, messages: 2000, concurrency: 16, producers: 1, timeoutMs: 60_000, topic: 'raw', readBack: { topic: 'mqb-1', group: 'mqb-1-tool-reader', messages: 6000 }, signal: new AbortController().signal };
    const reading = await probeRawLevel(spec, directory, resolveOptions(), kind);
    assert.equal(reading.messages, 1600, 'the first fifth is warm-up');
    assert.ok(reading.messagesPerSec > 0 && Number.isFinite(reading.messagesPerSec));
    assert.equal(reading.readBack?.messages, 2000, reading.readBackError);
    assert.ok(reading.readBack!.messagesPerSec > 0 && Number.isFinite(reading.readBack!.messagesPerSec));
    assert.match(reading.readBack!.tool, tool);
    assert.equal(existsSync(directory), false);
    assert.equal(reading.settings.trialStoreEvicted, undefined, 'no trial store named, none evicted');
    const writeOnly = await probeRawLevel({ ...spec, readBack: undefined }, directory, resolveOptions(), kind);
    assert.equal(writeOnly.readBack, undefined);
    // The trial's store leaves the page cache before the raw writes (as a broker's tool writes after the trial's topic is deleted).
    const trialStore = join(directory, '..', 'trial');
    await mkdir(trialStore, { recursive: true });
    await writeFile(join(trialStore, 'data.sst'), Buffer.alloc(2 * 1024 * 1024, 1));
    const order: string[] = [];
    const settle = async () => (order.push('settled'), { ms: 1500, settled: true });
    const afterEviction = await probeRawLevel({ ...spec, readBack: undefined, writeMessage: (_index, into) => (order.push('write'), into.fill(1)) }, directory, resolveOptions(), kind, { directory: trialStore, settle });
    assert.match(String(afterEviction.settings.trialStoreEvicted), /^2\.0 MiB in 1 files, page cache [\d,.]+ MiB → [\d,.]+ MiB, \d+ ms$/);
    assert.equal(order[0], 'settled', "the trial store's compactions end before the first raw write");
    assert.equal(afterEviction.settings.trialStoreCompactions, 'none left after 1.5 s');
    const unsettled = await probeRawLevel({ ...spec, readBack: undefined }, directory, resolveOptions(), kind, { directory: trialStore, settle: async () => ({ ms: 120_000, settled: false }) });
    assert.equal(unsettled.settings.trialStoreCompactions, "still running after 120.0 s (the wait's bound)");
  });
}

test("the raw calibration writes the trial's warm-up count unmeasured, then the trial's own messages", async (t) => {
  const directory = join(await tempDir(t), 'raw');
  const written: number[] = [];
  const writeMessage = (index: number, into: Buffer) => {
    assert.equal(into.length, 1024);
    into.fill(index & 255);
    written.push(index);
  };
  const spec = { messageBytes: 1024, messages: 1500, concurrency: 8, producers: 1, timeoutMs: 60_000, topic: 'raw', warmupMessages: 700, writeMessage, readBack: { topic: 'mqb-1', group: 'mqb-1-tool-reader', messages: 2200 }, signal: new AbortController().signal };
  const reading = await probeRawLevel(spec, directory, resolveOptions(), 'rocksdb');
  assert.equal(reading.messages, 1500, 'the measured count is the trial’s');
  assert.equal(reading.readBack?.messages, 2200, 'warm-up and measured messages are all in the store');
  assert.deepEqual(written.sort((a, b) => a - b), Array.from({ length: 2200 }, (_, index) => index), 'each of the trial’s messages once');
  assert.match(String(reading.settings.values), /the trial's messages/);
  assert.match(reading.command, /2200 messages \(the first 700 unmeasured\)/);
});
