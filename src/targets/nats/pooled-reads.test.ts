import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { Parser } from '@nats-io/nats-core/internal';
import { sizeInboundBuffersOnce } from './inbound-buffer.js';
import { parseWholeFramesFirst } from './whole-frames.js';
import { dialPooled, giveBackReadsCopiedWhole, READ_BYTES, SHORT_READ_BYTES } from './pooled-reads.js';

/** A payload whose every byte depends on its index and `seed`. */
function patterned(bytes: number, seed: number): Buffer {
  const payload = Buffer.alloc(bytes);
  for (let index = 0; index < bytes; index++) payload[index] = (index * seed + 7) & 255;
  return payload;
}

/** A MSG frame of `payload`. */
function msgFrame(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`MSG topic 1 ${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
}

/**
 * Sends `frames` from a loopback server (one write each, a pause between), reads them through a pooled connection into
 * a parser wrapped as the driver wraps it, and returns the payloads it dispatched (the views themselves) and the reads.
 */
async function readThroughPool(frames: Buffer[]): Promise<{ views: Uint8Array[]; reads: Uint8Array[] }> {
  assert.equal(sizeInboundBuffersOnce(), true);
  assert.equal(parseWholeFramesFirst(), true);
  assert.equal(giveBackReadsCopiedWhole(), true, 'installed last');
  assert.equal(giveBackReadsCopiedWhole(), true, 'idempotent');
  const server = createServer((peer: Socket) => {
    void (async () => {
      for (const frame of frames) {
        if (!peer.write(frame)) await once(peer, 'drain');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      peer.end();
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const views: Uint8Array[] = [];
  const reads: Uint8Array[] = [];
  const parser = new Parser({ push: (event: { data?: Uint8Array }) => void (event.data && views.push(event.data)) } as never);
  try {
    const socket = await dialPooled({ hostname: '127.0.0.1', port: (server.address() as AddressInfo).port });
    socket.on('data', (read: Uint8Array) => {
      reads.push(read);
      parser.parse(read);
    });
    await once(socket, 'end');
    socket.destroy();
  } finally {
    server.close();
  }
  return { views, reads };
}

test('pooled reads: a 1 MiB message arrives byte for byte, and the reads copied whole into it go back to the pool', async () => {
  const big = patterned(1 << 20, 31);
  const small = patterned(200, 13);
  // In one write: the read that ends the first message also holds the small one whole, and the one after the second.
  const { views, reads } = await readThroughPool([Buffer.concat([msgFrame(big), msgFrame(small), msgFrame(patterned(1 << 20, 17))])]);
  assert.equal(views.length, 3);
  assert.ok(Buffer.from(views[0]!).equals(big), 'the first 1 MiB message, intact');
  assert.ok(Buffer.from(views[1]!).equals(small), 'the small message, intact after every later read');
  assert.ok(Buffer.from(views[2]!).equals(patterned(1 << 20, 17)), 'the second 1 MiB message, intact');
  const pooled = reads.filter((read) => read.length >= SHORT_READ_BYTES);
  const buffers = new Set(pooled.map((read) => read.buffer));
  assert.ok(pooled.length >= 32, `${pooled.length} reads of 16 KiB or more`);
  assert.ok(buffers.size <= pooled.length / 4, `given back and read into again: ${pooled.length} reads through ${buffers.size} buffers`);
  assert.ok(buffers.size > 0 && [...buffers].every((buffer) => buffer.byteLength === READ_BYTES));
});

test('pooled reads: a short read is copied into a buffer of its own size', async () => {
  const small = patterned(300, 5);
  const { views, reads } = await readThroughPool([msgFrame(small), msgFrame(patterned(400, 9))]);
  assert.ok(reads.length >= 2);
  for (const read of reads) assert.equal(read.buffer.byteLength, read.length, 'no pool buffer pinned by a kept payload');
  assert.ok(Buffer.from(views[0]!).equals(small));
  assert.ok(Buffer.from(views[1]!).equals(patterned(400, 9)));
});
