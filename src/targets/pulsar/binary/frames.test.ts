import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from '@node-rs/crc32';
import { CONTIGUOUS_FRAME_BYTES, FrameReader, parseFrame, payloadFrame, simpleFrame } from './frames.js';
import { CommandType, decodeMetadata, encodeMetadata } from './proto.js';
import { singleMessageHead, splitBatch } from './binary-client.js';

test('frames split across and joined within chunks come out whole, in order', () => {
  const ping = simpleFrame({ type: CommandType.PING, ping: {} });
  const flow = simpleFrame({ type: CommandType.FLOW, flow: { consumer_id: 7, messagePermits: 1000 } });
  const stream = Buffer.concat([ping, flow, ping]);
  const reader = new FrameReader();
  const frames = [];
  for (let at = 0; at < stream.length; at += 3) frames.push(...reader.push(stream.subarray(at, at + 3)));
  assert.deepEqual(frames.map((frame) => frame.command.type), [CommandType.PING, CommandType.FLOW, CommandType.PING]);
  assert.deepEqual(frames[1]!.command.flow, { consumer_id: 7, messagePermits: 1000 });
});

/** Checks a frame's wire bytes: its size, the CRC32C over metadata and payload, the command, metadata and payload. */
function checkWire(wire: Buffer, payloadText: string): void {
  assert.equal(wire.readUInt32BE(0), wire.length - 4);
  const frame = parseFrame(wire.subarray(4));
  assert.deepEqual(frame.command.send, { producer_id: 1, sequence_id: 5, num_messages: 1 });
  assert.equal(frame.payload!.toString(), payloadText);
  assert.equal(decodeMetadata(frame.metadata!).sequence_id, 5);
  const commandEnd = 8 + wire.readUInt32BE(4);
  assert.equal(wire.readUInt16BE(commandEnd), 0x0e01);
  assert.equal(wire.readUInt32BE(commandEnd + 2), crc32c(wire.subarray(commandEnd + 6)) >>> 0, 'CRC32C of everything after it');
  wire[wire.length - 1]! ^= 1;
  assert.throws(() => parseFrame(wire.subarray(4)), /payload checksum mismatch/);
}

const send = { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 5, num_messages: 1 } };
const metadata = encodeMetadata({ producer_name: 'p', sequence_id: 5, publish_time: 1_700_000_000_000 });

test('a payload frame up to CONTIGUOUS_FRAME_BYTES is one buffer: size, CRC32C over metadata and payload; a flipped byte is caught', () => {
  const parts = payloadFrame(send, metadata, [Buffer.from('hello '), Buffer.from('world')]);
  assert.equal(parts.length, 1, 'one chunk for the socket');
  checkWire(parts[0]!, 'hello world');
});

test('a larger payload frame is its head and the parts themselves, uncopied, with the same wire bytes', () => {
  const big = Buffer.alloc(CONTIGUOUS_FRAME_BYTES, 'a');
  const payload = [big, Buffer.from('!')];
  const parts = payloadFrame(send, metadata, payload);
  assert.equal(parts.length, 3);
  assert.equal(parts[1], big, 'payload parts are written as they are');
  checkWire(Buffer.concat(parts), `${big.toString()}!`);
});

test('an oversized frame is refused instead of buffered', () => {
  const huge = Buffer.alloc(8);
  huge.writeUInt32BE(512 * 1024 * 1024, 0);
  assert.throws(() => new FrameReader().push(huge), /exceeds the \d+-byte limit/);
});

test('splitBatch reads the batch format: [size][SingleMessageMetadata][payload] per message; a truncated entry is named', async () => {
  const { types } = await import('./proto.js');
  const entry = (text: string) => {
    const single = types.SingleMessageMetadata.encode(types.SingleMessageMetadata.fromObject({ payload_size: text.length })).finish();
    const size = Buffer.alloc(4);
    size.writeUInt32BE(single.length);
    return Buffer.concat([size, single, Buffer.from(text)]);
  };
  const batch = Buffer.concat([entry('a'), entry('bcd'), entry('')]);
  assert.deepEqual(splitBatch(batch, 3).map(String), ['a', 'bcd', '']);
  assert.throws(() => splitBatch(batch.subarray(0, 8), 2), /truncated at message 1 of 2/);
});

test('the hand-encoded SingleMessageMetadata head is protobuf\'s encoding, size prefix included', async () => {
  const { types } = await import('./proto.js');
  for (const size of [0, 1, 127, 128, 16_383, 16_384, 5 * 1024 * 1024, 2 ** 31 - 1]) {
    const single = types.SingleMessageMetadata.encode(types.SingleMessageMetadata.fromObject({ payload_size: size })).finish();
    const expected = Buffer.alloc(4 + single.length);
    expected.writeUInt32BE(single.length);
    expected.set(single, 4);
    assert.deepEqual(singleMessageHead(size), expected, `payload of ${size} bytes`);
  }
});
