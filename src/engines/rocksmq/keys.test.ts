import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeId, encodeId, formatOfMessageKey, idOfMessageKey, MAX_MESSAGE_ID, messageKey, VALUE_FORMAT } from './keys.js';

test('a message id survives its key at every width, the high word included, and keys sort in id order', () => {
  const ids = [0, 1, 255, 256, 2 ** 24 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12_345, MAX_MESSAGE_ID];
  for (const id of ids) {
    assert.equal(decodeId(encodeId(id)), id);
    const key = messageKey('topic', id, VALUE_FORMAT.enveloped);
    assert.equal(idOfMessageKey(key), id);
    assert.equal(formatOfMessageKey(key), VALUE_FORMAT.enveloped);
  }
  const keys = ids.map((id) => messageKey('t', id, VALUE_FORMAT.bare));
  assert.deepEqual([...keys].sort(Buffer.compare), keys);
});

test('an id is read at its offset inside a larger buffer, and an offset without 8 bytes after it is refused', () => {
  const bytes = Buffer.concat([Buffer.from([9, 9, 9]), encodeId(2 ** 33 + 7), Buffer.from([9])]);
  assert.equal(decodeId(bytes.subarray(1), 2), 2 ** 33 + 7);
  assert.equal(decodeId(new Uint8Array(bytes), 3), 2 ** 33 + 7);
  assert.throws(() => decodeId(bytes, 5), /no 8-byte message id at offset 5 of 12 bytes/);
});
