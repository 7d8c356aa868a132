import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { CorruptBlockError, decodeBlock, encodeBlock, encodeBlockParts } from './block.js';

const records = [Buffer.from('first record'), Buffer.alloc(5000, 7), Buffer.from('third')];

test('a block round-trips, and a change to any single byte of it is detected', () => {
  const block = encodeBlock(3, 9, 100, records);
  const { header, records: decoded } = decodeBlock(block);
  assert.deepEqual([header.version, header.segment, header.block, header.firstEntry, header.lastEntry], [2, 3, 9, 100, 102]);
  assert.deepEqual(decoded.map((record) => Buffer.from(record)), records);
  // Every byte: header fields, record lengths and CRCs, record bytes (sampled in the long record).
  for (let offset = 0; offset < block.length; offset += offset > 80 && offset < 5000 ? 97 : 1) {
    const damaged = Buffer.from(block);
    damaged[offset] = damaged[offset]! ^ 0x20;
    assert.throws(() => decodeBlock(damaged), CorruptBlockError, `a flipped bit at byte ${offset} went unnoticed`);
  }
});

test('the body checksum covers the record headers, so swapping two whole records is detected', () => {
  const [a, b] = [Buffer.from('aaaa'), Buffer.from('bbbb')];
  const block = encodeBlock(0, 0, 0, [a, b]);
  const swapped = Buffer.from(block);
  block.copy(swapped, 40, 52, 64); // record b (header + bytes) first
  block.copy(swapped, 52, 40, 52);
  assert.throws(() => decodeBlock(swapped), /body checksum mismatch/);
});

test('version 1 blocks (CRC32 of the whole body) are still read', () => {
  const body = Buffer.concat(records.flatMap((record) => [Buffer.from(Uint32Array.of(record.length, crc32(record)).buffer), record]));
  const header = Buffer.alloc(40);
  header.write('WPB1', 0, 'latin1');
  header.writeUInt16LE(1, 4);
  header.writeUInt16LE(1, 6);
  [1, 2, 50, 52, 3, body.length, crc32(body)].forEach((value, index) => header.writeUInt32LE(value >>> 0, 8 + index * 4));
  header.writeUInt32LE(crc32(header.subarray(0, 36)), 36);
  const block = Buffer.concat([header, body]);
  assert.deepEqual(decodeBlock(block).records.map((record) => Buffer.from(record)), records);
  const damaged = Buffer.from(block);
  damaged[45] = damaged[45]! ^ 1;
  assert.throws(() => decodeBlock(damaged), CorruptBlockError);
});

test('in parts, records of 64 KiB or more are referenced, not copied; the parts form the same block', () => {
  const large = Buffer.alloc(70_000, 3);
  const mixed = [Buffer.from('small'), large, Buffer.from('tail')];
  const parts = encodeBlockParts(1, 2, 3, mixed);
  assert.ok(parts.includes(large), 'the large record is one of the parts itself');
  assert.equal(parts.length, 3);
  assert.deepEqual(Buffer.concat(parts), encodeBlock(1, 2, 3, mixed));
  assert.deepEqual(decodeBlock(Buffer.concat(parts)).records.map((record) => Buffer.from(record)), mixed);
});
