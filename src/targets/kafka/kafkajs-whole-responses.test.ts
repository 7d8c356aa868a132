import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { dropEmptyRemainders, ResponseReader, wholeResponseSockets } from './kafkajs-whole-responses.js';

/** A Kafka response (size prefix, then `bytes` of body) whose every body byte depends on its index and `seed`. */
function response(bytes: number, seed: number): Buffer {
  const framed = Buffer.allocUnsafe(4 + bytes);
  framed.writeInt32BE(bytes, 0);
  for (let index = 0; index < bytes; index++) framed[4 + index] = (index * seed + 11) & 255;
  return framed;
}

/** Feeds `stream` to `reader` as a socket would, each read at most `readBytes(i)` bytes (and what the target holds). */
function feed(reader: ResponseReader, stream: Buffer, readBytes: (read: number) => number): void {
  for (let offset = 0, read = 0; offset < stream.length; read++) {
    const target = reader.nextReadTarget();
    const bytes = Math.min(readBytes(read), target.length, stream.length - offset);
    stream.copy(target, 0, offset, offset + bytes);
    reader.received(target, bytes);
    offset += bytes;
  }
}

const sizes = [4, 100, 70_000, 3 * 1024 * 1024, 9, 2 * 1024 * 1024, 65_532, 2 * 1024 * 1024, 16, 1024 * 1024 + 5];

test('ResponseReader hands on every response whole and intact, however the reads split them (size prefixes and bodies across reads, several in one read)', () => {
  const responses = sizes.map((bytes, index) => response(bytes, index + 3));
  const stream = Buffer.concat(responses);
  for (const readBytes of [() => 1, () => 3, () => 65_536, (read: number) => [7, 65_536, 5, 200_000, 1_000_000][read % 5]!, () => stream.length]) {
    for (const reuse of [false, true]) {
      const received: Buffer[] = [];
      feed(new ResponseReader(reuse, (whole) => received.push(Buffer.from(whole))), stream, readBytes);
      assert.equal(received.length, responses.length);
      received.forEach((whole, index) => assert.ok(whole.equals(responses[index]!), `response ${index} (${sizes[index]} bytes) intact`));
    }
  }
});

test('ResponseReader reads a large response into the buffer of the one two before it, never the one just before, and not at all without reuse', () => {
  const large = sizes.map((bytes, index) => ({ bytes, index })).filter(({ bytes }) => bytes >= 1024 * 1024);
  const responses = sizes.map((bytes, index) => response(bytes, index + 3));
  for (const reuse of [true, false]) {
    const views: Buffer[] = [];
    let previousLarge: { view: Buffer; copy: Buffer } | undefined;
    feed(
      new ResponseReader(reuse, (whole) => {
        views.push(whole);
        // The response before this one is untouched still when this one has arrived.
        if (previousLarge) assert.ok(previousLarge.view.equals(previousLarge.copy), 'the previous large response is intact');
        if (whole.length >= 1024 * 1024) previousLarge = { view: whole, copy: Buffer.from(whole) };
      }),
      Buffer.concat(responses),
      () => 65_536,
    );
    const buffers = large.map(({ index }) => views[index]!.buffer);
    assert.equal(buffers[2] === buffers[0], reuse, 'the third large response reuses the first one\'s buffer');
    assert.notEqual(buffers[1], buffers[0]);
    assert.notEqual(buffers[2], buffers[1]);
  }
});

test('ResponseReader refuses a negative size (a connection out of step)', () => {
  const reader = new ResponseReader(false, () => assert.fail('nothing is whole'));
  const target = reader.nextReadTarget();
  target.writeInt32BE(-5, 0);
  assert.throws(() => reader.received(target, 4), /a Kafka response announced -5 bytes/);
});

test('wholeResponseSockets: over loopback, each data event is one whole response, however the server wrote them', async (t) => {
  const responses = sizes.map((bytes, index) => response(bytes, index + 5));
  const stream = Buffer.concat(responses);
  const server = createServer((peer: Socket) => {
    void (async () => {
      // Writes that do not follow response boundaries, with pauses so that reads split them too.
      for (let offset = 0; offset < stream.length; offset += 300_001) {
        if (!peer.write(stream.subarray(offset, offset + 300_001))) await once(peer, 'drain');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      peer.end();
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const received: Buffer[] = [];
  const socket = wholeResponseSockets({ reuseLargeResponses: false })({ host: '127.0.0.1', port, ssl: {} as never, onConnect: () => undefined });
  socket.on('data', (whole: Buffer) => received.push(whole));
  await once(socket, 'end');
  socket.destroy();
  assert.equal(received.length, responses.length);
  received.forEach((whole, index) => assert.ok(whole.equals(responses[index]!), `response ${index} intact`));
});

test("kafkajs's Connection decodes a response that arrives whole where it lies, not joined to the empty remainder of the one before", () => {
  assert.equal(dropEmptyRemainders(), true);
  assert.equal(dropEmptyRemainders(), true, 'idempotent');
  const Connection = createRequire(import.meta.url)('kafkajs/src/network/connection.js') as { prototype: object };
  const fulfilled: Array<{ correlationId: number; payload: Buffer }> = [];
  const connection = Object.assign(Object.create(Connection.prototype) as { processData(data: Buffer): void }, {
    chunks: [] as Buffer[],
    bytesBuffered: 0,
    bytesNeeded: 4,
    requestQueue: { fulfillRequest: (entry: { correlationId: number; payload: Buffer }) => fulfilled.push(entry) },
  });
  const whole = (correlationId: number, body: string) => {
    const framed = Buffer.alloc(8 + body.length);
    framed.writeInt32BE(4 + body.length, 0);
    framed.writeInt32BE(correlationId, 4);
    framed.write(body, 8);
    return framed;
  };
  const second = whole(2, 'second response');
  const concat = Buffer.concat;
  let joins = 0;
  Buffer.concat = ((...args: Parameters<typeof Buffer.concat>) => {
    joins += 1;
    return concat(...args);
  }) as typeof Buffer.concat;
  try {
    connection.processData(whole(1, 'first'));
    connection.processData(second);
  } finally {
    Buffer.concat = concat;
  }
  assert.deepEqual(fulfilled.map(({ correlationId, payload }) => [correlationId, payload.toString()]), [[1, 'first'], [2, 'second response']]);
  assert.equal(joins, 0, 'no response was copied');
  assert.equal(fulfilled[1]!.payload.buffer, second.buffer, 'the payload is a view of the chunk that arrived');
});
