import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { growEncodersUnfilled, kafkajsEncoderGrowth } from './kafkajs-encoder.js';

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  writeInt32(value: number): KafkajsEncoder;
  writeBytes(value: Buffer): KafkajsEncoder;
  writeEncoder(value: KafkajsEncoder): KafkajsEncoder;
  readonly buffer: Buffer;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => KafkajsEncoder;

/** A request-like nesting: a large value in an encoder, written into another between two integers, twice over. */
function nestedEncoding(value: Buffer): Buffer {
  const inner = new Encoder().writeInt32(7).writeBytes(value).writeInt32(8);
  const outer = new Encoder().writeInt32(1).writeEncoder(inner).writeInt32(2);
  return new Encoder().writeEncoder(outer).writeInt32(3).buffer;
}

test("kafkajs's encoders grow into unfilled buffers, and what they hand out is byte for byte what they did", () => {
  const values = [0, 1, 500, 513, 65_536, 1_048_576, 1_048_576 + 17].map((bytes) => randomBytes(bytes));
  const before = values.map(nestedEncoding);
  assert.match(kafkajsEncoderGrowth(), /^kafkajs's own/);
  assert.equal(growEncodersUnfilled(), true);
  assert.equal(growEncodersUnfilled(), true, 'idempotent');
  assert.match(kafkajsEncoderGrowth(), /^into unfilled buffers/);
  // Fill the allocator's memory with a pattern, so unwritten bytes handed out would differ from zero-filled ones.
  for (let round = 0; round < 8; round++) Buffer.allocUnsafe(4 << 20).fill(0xa5);
  values.forEach((value, index) => assert.ok(nestedEncoding(value).equals(before[index]!), `${value.length} bytes`));
});
