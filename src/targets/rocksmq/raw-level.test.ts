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
    const afterEviction = await probeRawLevel({ ...spec, readBack: undefined }, directory, resolveOptions(), kind, trialStore);
    assert.match(String(afterEviction.settings.trialStoreEvicted), /^2\.0 MiB in 1 files, page cache [\d,.]+ MiB → [\d,.]+ MiB, \d+ ms$/);
  });
}
