import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { kafkajsChecksum, nativeChecksums, nativeCrc32c } from './kafkajs-native-crc.js';

const require = createRequire(import.meta.url);

test("kafkajs's record batches take the native CRC-32C, which equals kafkajs's own JavaScript one", async () => {
  const ownCrc = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;
  for (const bytes of [0, 1, 7, 64, 1024, 65_536 + 3, 1024 * 1024]) {
    const buffer = randomBytes(bytes);
    assert.equal(nativeCrc32c(buffer), ownCrc(buffer), `${bytes} bytes`);
  }
  const loaded = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as unknown;
  assert.equal(loaded, nativeCrc32c, "kafkajs's module resolves to the native function");
  assert.match(kafkajsChecksum(), /^native CRC-32C/);
  // kafkajs's record batch encoder, loaded after it, checksums through the native function.
  const { RecordBatch: encodeRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (batch: { records: unknown[] }) => Promise<unknown> };
  const before = nativeChecksums();
  await encodeRecordBatch({ records: [] });
  assert.equal(nativeChecksums(), before + 1, 'one record batch, one native checksum');
});
