import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { websocketClient } from './websocket-client.js';

test('the WebSocket consumer keeps messages the proxy sends right with the upgrade (a fake proxy)', async (t) => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const acked: string[] = [];
  server.on('connection', (socket) => {
    // Backlogged messages go out at once, typically in the same TCP segment as the 101 response.
    for (let index = 0; index < 5; index++) socket.send(JSON.stringify({ messageId: `id${index}`, payload: Buffer.from(`m${index}`).toString('base64') }));
    socket.on('message', (data) => acked.push((JSON.parse(data.toString()) as { messageId: string }).messageId));
  });
  const { port } = server.address() as AddressInfo;
  const client = websocketClient(`http://127.0.0.1:${port}`, 1024, 10);
  const received: string[] = [];
  const consumer = await client.consumer('topic', { group: 'group', from: 'earliest', onMessage: (payload) => received.push(Buffer.from(payload).toString()), onError: (error) => assert.fail(error) });
  t.after(() => consumer.close());
  for (let wait = 0; received.length < 5 && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(received, ['m0', 'm1', 'm2', 'm3', 'm4']);
  for (let wait = 0; acked.length < 5 && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(acked, ['id0', 'id1', 'id2', 'id3', 'id4'], 'each message acknowledged by its id');
});
