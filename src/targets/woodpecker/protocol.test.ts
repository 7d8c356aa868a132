import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { encodeFrame, FrameReader, HelperConnection, OP, u32 } from './protocol.js';

test('frames survive any cutting of the byte stream: one byte at a time, or many frames in one chunk', () => {
  const frames = [encodeFrame(OP.append, 7, u32(3), Buffer.from('hello')), encodeFrame(0x81, 2, Buffer.alloc(70_000, 9)), encodeFrame(OP.describe, 8)];
  const bytes = Buffer.concat(frames.flat());
  for (const chunkSize of [1, 5, 9, 4096, bytes.length]) {
    const seen: Array<[number, number, number]> = [];
    const reader = new FrameReader((op, id, body) => seen.push([op, id, body.length]));
    for (let at = 0; at < bytes.length; at += chunkSize) reader.push(bytes.subarray(at, at + chunkSize));
    assert.deepEqual(seen, [[OP.append, 7, 9], [0x81, 2, 70_000], [OP.describe, 8, 0]], `chunks of ${chunkSize}`);
  }
});

/** A stand-in for the helper: answers appends in reverse order, fails creates, pushes a reader's messages. */
async function fakeHelper(socketPath: string): Promise<{ close(): void; peers: Socket[] }> {
  const peers: Socket[] = [];
  const server = createServer((socket) => {
    peers.push(socket);
    const held: Array<() => void> = [];
    const reply = (id: number, ok: boolean, body: Buffer) => {
      for (const part of encodeFrame(0x80, id, Buffer.from([ok ? 0 : 1]), body)) socket.write(part);
    };
    const reader = new FrameReader((op, id, body) => {
      if (op === OP.create) reply(id, false, Buffer.from('log exists'));
      else if (op === OP.append) {
        held.push(() => reply(id, true, Buffer.concat([Buffer.alloc(8), body.subarray(4, 12)])));
        if (held.length === 3) for (const answer of held.reverse()) answer();
      } else if (op === OP.openReader) {
        reply(id, true, u32(5));
        for (const text of ['one', 'two']) for (const part of encodeFrame(0x81, 5, Buffer.from(text))) socket.write(part);
        for (const part of encodeFrame(0x82, 5, Buffer.from('segment gone'))) socket.write(part);
      } else reply(id, true, Buffer.alloc(0));
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { close: () => server.close(), peers };
}

test("requests are matched to their replies in any order; errors reject with the helper's text; readers get their messages and failure", { timeout: 30_000 }, async (t) => {
  const socketPath = join(await tempDir(t, 'mqbench-wp-protocol-'), 'helper.sock');
  const helper = await fakeHelper(socketPath);
  t.after(() => helper.close());
  const connection = await HelperConnection.open(socketPath);
  await assert.rejects(connection.request(OP.create, Buffer.from('log')), /the woodpecker helper: log exists/);
  const appends = ['entry-00', 'entry-01', 'entry-02'].map((text) => connection.request(OP.append, u32(1), Buffer.from(text)));
  assert.deepEqual((await Promise.all(appends)).map((reply) => reply.subarray(8).toString()), ['entry-00', 'entry-01', 'entry-02']);
  const messages: string[] = [];
  const failed = new Promise<Error>((resolve) => void connection.openReader('log', 'earliest', { onMessage: (payload) => messages.push(Buffer.from(payload).toString()), onError: resolve }));
  assert.match((await failed).message, /the woodpecker helper's reader: segment gone/);
  assert.deepEqual(messages, ['one', 'two']);
  // The helper going away fails what is pending, with a message that says so.
  const pending = connection.request(OP.append, u32(1), Buffer.from('lost-one'));
  for (const peer of helper.peers) peer.destroy();
  await assert.rejects(pending, /the woodpecker helper closed the connection|the woodpecker helper's socket: /);
});

test('a socket nobody listens on is a clear error, within the bound', async (t) => {
  const socketPath = join(await tempDir(t, 'mqbench-wp-protocol-'), 'absent.sock');
  await assert.rejects(HelperConnection.open(socketPath, 2000), /cannot reach the woodpecker helper at .*absent\.sock/);
});
