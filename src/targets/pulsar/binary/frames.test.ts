import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from '@node-rs/crc32';
import { FrameReader, parseFrame, payloadFrame, simpleFrame } from './frames.js';
import { CommandType, decodeMetadata, encodeMetadata } from './proto.js';
import { splitBatch } from './binary-client.js';

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

test('a payload frame carries the size, a CRC32C over metadata and payload, and the parts uncopied; a flipped byte is caught', () => {
  const metadata = encodeMetadata({ producer_name: 'p', sequence_id: 5, publish_time: 1_700_000_000_000 });
  const payload = [Buffer.from('hello '), Buffer.from('world')];
  const parts = payloadFrame({ type: CommandType.SEND, send: { producer_id: 1, sequence_id: 5, num_messages: 1 } }, metadata, payload);
  assert.equal(parts[1], payload[0], 'payload parts are written as they are');
  const wire = Buffer.concat(parts);
  assert.equal(wire.readUInt32BE(0), wire.length - 4);
  const frame = parseFrame(wire.subarray(4));
  assert.deepEqual(frame.command.send, { producer_id: 1, sequence_id: 5, num_messages: 1 });
  assert.equal(frame.payload!.toString(), 'hello world');
  assert.equal(decodeMetadata(frame.metadata!).sequence_id, 5);
  const commandEnd = 8 + wire.readUInt32BE(4);
  assert.equal(wire.readUInt16BE(commandEnd), 0x0e01);
  assert.equal(wire.readUInt32BE(commandEnd + 2), crc32c(wire.subarray(commandEnd + 6)) >>> 0, 'CRC32C of everything after it');
  wire[wire.length - 1]! ^= 1;
  assert.throws(() => parseFrame(wire.subarray(4)), /payload checksum mismatch/);
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
