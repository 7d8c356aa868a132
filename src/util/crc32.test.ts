import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { CRC32_RESIDUE, crc32, crc32Concat, crc32Implementation, crc32Range } from './crc32.js';

test('crc32 gives zlib values, whole and continued, whatever implementation is loaded', () => {
  assert.equal(crc32Implementation, '@node-rs/crc32', 'the native CRC is installed with the package');
  assert.equal(crc32(Buffer.from('hello')), 907060870);
  for (const size of [0, 1, 47, 63, 64, 200, 4096, 1 << 20]) {
    const data = randomBytes(size);
    assert.equal(crc32(data), zlibCrc32(data), `${size} bytes`);
    const cut = Math.floor(size / 3);
    assert.equal(crc32(data.subarray(cut), crc32(data.subarray(0, cut))), zlibCrc32(data), `${size} bytes continued at ${cut}`);
    assert.equal(crc32(new Uint8Array(data)), zlibCrc32(data), 'a plain Uint8Array');
  }
});

test('crc32Range gives zlib values over any range of the bytes, empty and whole included', () => {
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, index) => (index * 37 + 11) & 0xff));
  for (const [start, end] of [[0, 0], [0, 44], [3, 47], [0, 300], [299, 300]] as const) {
    assert.equal(crc32Range(bytes, start, end), zlibCrc32(bytes.subarray(start, end)), `bytes ${start}-${end}`);
  }
  assert.equal(crc32Range(Buffer.from('hello'), 0, 5), 907060870);
  assert.equal(crc32Range(bytes, 100, 300, crc32Range(bytes, 0, 100)), zlibCrc32(bytes), 'continued from the CRC of the bytes before');
});

test('crc32Concat gives the CRC of two runs joined from their CRCs and the second run\'s length', () => {
  for (const [first, second] of [[0, 0], [5, 0], [0, 7], [44, 1024], [48, 1000], [3, (1 << 20) + 17]] as const) {
    const [a, b] = [randomBytes(first), randomBytes(second)];
    assert.equal(crc32Concat(zlibCrc32(a), zlibCrc32(b), second), zlibCrc32(Buffer.concat([a, b])), `${first} + ${second} bytes`);
  }
});

test('any bytes followed by their own CRC (little-endian) have the CRC CRC32_RESIDUE', () => {
  assert.equal(CRC32_RESIDUE, 0x2144df1c);
  for (const size of [0, 1, 44, 999]) {
    const data = randomBytes(size);
    const own = Buffer.alloc(4);
    own.writeUInt32LE(zlibCrc32(data));
    assert.equal(zlibCrc32(Buffer.concat([data, own])), CRC32_RESIDUE, `${size} bytes`);
  }
});
