import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { DataBuffer } from '@nats-io/nats-core/internal';
import { connect } from '@nats-io/transport-node';
import { writeLargeFlushesUnpacked, writesUnpacked } from './outbound-writes.js';

/** A loopback stand-in for nats-server's protocol: INFO, PONG for each PING, and every byte the client wrote. */
async function protocolServer(t: import('node:test').TestContext): Promise<{ url: string; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.write('INFO {"server_id":"stand-in","version":"2.15.2","proto":1,"headers":true,"max_payload":8388608}\r\n');
    let tail = '';
    socket.on('data', (data) => {
      chunks.push(data);
      // Payloads are lowercase letters only, so a PING line is always the client's.
      const text = tail + data.toString('latin1');
      const pings = text.split('PING\r\n').length - 1;
      tail = text.slice(-5);
      for (let index = 0; index < pings; index++) socket.write('PONG\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { url: `127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => Buffer.concat(chunks) };
}

function letters(bytes: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: bytes }, (_, index) => 97 + ((index * 7 + seed) % 26)));
}

/** Publishes `payloads` and returns the packs nats.js made meanwhile (bytes copied into one buffer, per pack). */
async function publishAndWatchPacks(url: string, payloads: Buffer[]): Promise<number[]> {
  const packs: number[] = [];
  const prototype = DataBuffer.prototype as unknown as { pack(): void; buffers: Uint8Array[]; byteLength: number };
  const pack = prototype.pack;
  prototype.pack = function watchedPack(this: typeof prototype) {
    if (this.buffers.length > 1) packs.push(this.byteLength);
    pack.call(this);
  };
  try {
    const connection = await connect({ servers: url, reconnect: false });
    payloads.forEach((payload, index) => connection.publish(`subject.${index}`, payload));
    await connection.flush();
    await connection.close();
  } finally {
    prototype.pack = pack;
  }
  return packs;
}

test('a large publish goes to the socket without being packed into a copy, byte for byte; small publishes are still packed', async (t) => {
  const server = await protocolServer(t);
  const large = [letters(1 << 20, 1), letters(1 << 20, 2), letters(64 * 1024, 3)];
  const expected = (payloads: Buffer[]) => Buffer.concat(payloads.flatMap((payload, index) => [Buffer.from(`PUB subject.${index} ${payload.length}\r\n`), payload, Buffer.from('\r\n')]));

  const packedBefore = await publishAndWatchPacks(server.url, large);
  assert.ok(packedBefore.some((bytes) => bytes >= 1 << 20), `unwrapped, nats.js copies a 1 MiB publish into one buffer: ${packedBefore}`);

  assert.equal(writeLargeFlushesUnpacked(), true);
  assert.equal(writeLargeFlushesUnpacked(), true, 'idempotent');
  const before = server.received().length;
  const packedAfter = await publishAndWatchPacks(server.url, large);
  assert.deepEqual(packedAfter.filter((bytes) => bytes >= 64 * 1024), [], 'no large publish is packed');
  const written = server.received().subarray(before);
  assert.ok(written.includes(expected(large)), 'the publishes arrive whole and in order');

  const small = Array.from({ length: 200 }, (_, index) => letters(1024, index));
  const mark = server.received().length;
  const packedSmall = await publishAndWatchPacks(server.url, small);
  assert.ok(packedSmall.length > 0, 'small publishes are still packed into one write');
  assert.ok(server.received().subarray(mark).includes(expected(small)));
});

test('only a flush holding a payload of 32 KiB or more is written unpacked', () => {
  assert.equal(writesUnpacked([Buffer.alloc(20), Buffer.alloc(32 * 1024), Buffer.alloc(2)]), true);
  assert.equal(writesUnpacked(Array.from({ length: 100 }, () => Buffer.alloc(1024))), false);
});
