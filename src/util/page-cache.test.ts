import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { describeSettle, dirtyBytes, settlePageCache } from './page-cache.js';

test('dirty bytes are Dirty plus Writeback from /proc/meminfo, in bytes', () => {
  const meminfo = 'MemTotal:       24684632 kB\nDirty:              1880 kB\nWriteback:            12 kB\nWritebackTmp:          0 kB\n';
  assert.equal(dirtyBytes(meminfo), (1880 + 12) * 1024);
  assert.equal(dirtyBytes('Dirty:  4 kB\n'), 4096);
  assert.equal(dirtyBytes('MemTotal: 1 kB\n'), undefined);
});

test('settling runs sync within its bound and says what it flushed; without /proc/meminfo it says why it did not', async () => {
  const settle = await settlePageCache({ timeoutMs: 60_000 });
  if (!existsSync('/proc/meminfo')) {
    assert.deepEqual(settle, { skipped: 'no /proc/meminfo (not Linux): the page cache was not settled' });
    return;
  }
  assert.ok(!('skipped' in settle), JSON.stringify(settle));
  assert.ok(settle.dirtyBytesBefore >= 0 && settle.dirtyBytesAfter >= 0 && settle.ms >= 0);
  assert.equal(settle.timedOut, undefined);
  assert.match(describeSettle(settle), /^\d+\.\d MiB dirty, flushed in \d+ ms$/);
});

test('a settle that timed out or was skipped says so', () => {
  assert.match(describeSettle({ dirtyBytesBefore: 3 * 1048576, dirtyBytesAfter: 1048576, ms: 10, timedOut: true }), /did not finish within the bound \(1\.0 MiB still dirty\)/);
  assert.equal(describeSettle({ skipped: 'not Linux' }), 'not Linux');
});
