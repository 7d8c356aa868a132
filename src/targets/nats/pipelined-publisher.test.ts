import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { parsePubAck, PipelinedPublisher } from './pipelined-publisher.js';

const reply = (text: string, headers?: { code: number; description: string }) => ({ data: Buffer.from(text), headers }) as unknown as Msg;

test('parsePubAck reads the stream sequence, and names errors and no-responders', () => {
  assert.deepEqual(parsePubAck(reply('{"stream":"t","seq":42}')), { sequence: '42' });
  assert.deepEqual(parsePubAck(reply('{"stream":"t","seq":7,"duplicate":true}')), { sequence: '7' });
  assert.deepEqual(parsePubAck(reply('{"error":{"code":429,"err_code":10077,"description":"too many requests"},"stream":"t","seq":0}')), {
    error: 'too many requests (429)',
  });
  assert.match((parsePubAck(reply('', { code: 503, description: 'No Responders' })) as { error: string }).error, /no stream listens/);
  assert.match((parsePubAck(reply('garbage')) as { error: string }).error, /not a PubAck: garbage/);
});

/** A connection that records publishes and lets the test answer them on the subscription. */
function fakeConnection() {
  const published: { subject: string; reply: string }[] = [];
  let deliver: ((error: Error | null, message: Msg) => void) | undefined;
  const connection = {
    subscribe: (_subject: string, options: { callback: (error: Error | null, message: Msg) => void }) => {
      deliver = options.callback;
      return { unsubscribe() {} };
    },
    publish: (subject: string, _payload: Uint8Array, options: { reply: string }) => published.push({ subject, reply: options.reply }),
  } as unknown as NatsConnection;
  const answer = (index: number, text: string) => deliver!(null, { subject: published[index]!.reply, data: Buffer.from(text) } as unknown as Msg);
  return { connection, published, answer };
}

test('PubAcks are matched to their publishes in whatever order they return', async () => {
  const { connection, published, answer } = fakeConnection();
  const publisher = new PipelinedPublisher(connection, 60_000);
  const sends = [0, 1, 2].map(() => publisher.publish('orders', Buffer.from('x')));
  assert.equal(published.length, 0, 'handed to the connection together, once per event-loop turn');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(new Set(published.map((entry) => entry.reply)).size, 3, 'a reply subject per publish');
  answer(2, '{"stream":"orders","seq":3}');
  answer(0, '{"stream":"orders","seq":1}');
  answer(1, '{"error":{"code":503,"description":"stream offline"}}');
  assert.equal(await sends[0], '1');
  assert.equal(await sends[2], '3');
  await assert.rejects(sends[1]!, /stream offline \(503\)/);
  publisher.close();
});

test('a publish without a PubAck fails after the timeout; close fails what is outstanding', async () => {
  const { connection } = fakeConnection();
  const publisher = new PipelinedPublisher(connection, 20);
  const keepAlive = setTimeout(() => undefined, 5000); // the publisher's sweeper does not hold the process open
  await assert.rejects(publisher.publish('t', Buffer.from('x')), { name: 'TimeoutError', message: /no PubAck within 20 ms/ });
  const late = publisher.publish('t', Buffer.from('y'));
  publisher.close();
  await assert.rejects(late, /closed before its PubAck/);
  await assert.rejects(publisher.publish('t', Buffer.from('z')), /closed/);
  clearTimeout(keepAlive);
});

/** A connection whose protocol handler takes raw frames: every hand-off is logged in order. */
function framingConnection(state: { closed: boolean; maxPayload: number }) {
  const log: string[] = [];
  const connection = {
    info: { max_payload: state.maxPayload },
    isClosed: () => state.closed,
    isDraining: () => false,
    subscribe: () => ({ unsubscribe() {} }),
    publish: (subject: string, payload: Uint8Array) => {
      if (state.closed) throw new Error('closed connection');
      log.push(`publish ${subject} ${payload.byteLength}`);
    },
  } as unknown as NatsConnection;
  const send = (frames: string | Uint8Array) => {
    const text = Buffer.from(frames as Uint8Array).toString('latin1');
    log.push(`frames ${[...text.matchAll(/PUB (\S+) \S+ (\d+)\r\n/g)].map((match) => `${match[1]}:${match[2]}`).join(',')}`);
  };
  return { connection, send, log };
}

test("with a raw sender, a turn's small publishes are one buffer of frames; large ones and oversized ones keep their order through nats.js", async () => {
  const state = { closed: false, maxPayload: 100_000 };
  const { connection, send, log } = framingConnection(state);
  const publisher = new PipelinedPublisher(connection, 60_000, send);
  const sizes = [10, 20, 40_000, 30, 200_000, 5];
  const sends = sizes.map((size, index) => publisher.publish(`s${index}`, Buffer.alloc(size)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['frames s0:10,s1:20', 'publish s2 40000', 'frames s3:30', 'publish s4 200000', 'frames s5:5']);
  publisher.close();
  await Promise.allSettled(sends);
});

test('framed publishes on a closed connection fail with nats.js\'s reason, and a bad subject goes to nats.js to be named', async () => {
  const state = { closed: true, maxPayload: 100_000 };
  const { connection, send, log } = framingConnection(state);
  const publisher = new PipelinedPublisher(connection, 60_000, send);
  await assert.rejects(publisher.publish('orders', Buffer.from('x')), /closed connection/);
  state.closed = false;
  const spaced = publisher.publish('bad subject', Buffer.from('x'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['publish bad subject 1'], 'the subject with a space was not framed');
  publisher.close();
  await assert.rejects(spaced, /closed before its PubAck/);
});

test('parsePubAck reads the sequence from the bytes wherever the key sits, and a reply with an error is never a sequence', () => {
  assert.deepEqual(parsePubAck(reply('{"seq":9007199254740993,"stream":"t","domain":"hub"}')), { sequence: '9007199254740993' });
  assert.match((parsePubAck(reply('{"stream":"t","seq":5,"error":{"code":500,"description":"boom"}}')) as { error: string }).error, /boom \(500\)/);
  assert.match((parsePubAck(reply('{"stream":"t","seq":}')) as { error: string }).error, /not a PubAck/);
  assert.match((parsePubAck(reply('{"stream":"t","se')) as { error: string }).error, /not a PubAck/);
});

test('a turn of framed publishes goes out in buffers of about 64 KiB of payload, in order', async () => {
  const { connection, send, log } = framingConnection({ closed: false, maxPayload: 1_000_000 });
  const publisher = new PipelinedPublisher(connection, 60_000, send);
  const sends = [0, 1, 2, 3, 4].map((index) => publisher.publish(`s${index}`, Buffer.alloc(20_000)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['frames s0:20000,s1:20000,s2:20000,s3:20000', 'frames s4:20000']);
  publisher.close();
  await Promise.allSettled(sends);
});
