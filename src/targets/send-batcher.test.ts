import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SendBatcher } from './send-batcher.js';

/** A batch sender whose requests the test completes by hand. */
function manualSender() {
  const requests: { payloads: string[]; done(error?: Error): void }[] = [];
  const send = (payloads: Uint8Array[]) =>
    new Promise<string[]>((resolve, reject) => {
      const texts = payloads.map((payload) => Buffer.from(payload).toString());
      requests.push({ payloads: texts, done: (error) => (error ? reject(error) : resolve(texts.map((text) => `id-${text}`))) });
    });
  return { requests, send };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a send awaited alone goes out at once; sends past the in-flight limit leave together when a request completes', async () => {
  const { requests, send } = manualSender();
  const batcher = new SendBatcher(send, 2, 1024);
  const first = batcher.send(Buffer.from('a'));
  assert.deepEqual(requests.map((request) => request.payloads), [['a']], 'not held back');
  const rest = ['b', 'c', 'd', 'e'].map((text) => batcher.send(Buffer.from(text)));
  assert.deepEqual(requests.map((request) => request.payloads), [['a'], ['b']]);
  requests[0]!.done();
  assert.equal(await first, 'id-a');
  await tick();
  assert.deepEqual(requests.map((request) => request.payloads), [['a'], ['b'], ['c', 'd', 'e']], 'the queued sends share one request');
  requests[1]!.done();
  requests[2]!.done();
  assert.deepEqual(await Promise.all(rest), ['id-b', 'id-c', 'id-d', 'id-e']);
});

test('a batch holds at most maxBatchBytes (one oversized message alone), and a failed request fails only its own sends', async () => {
  const { requests, send } = manualSender();
  const batcher = new SendBatcher(send, 1, 4);
  const sends = ['a', 'bb', 'cc', 'dddddd', 'e'].map((text) => batcher.send(Buffer.from(text)));
  const settled = Promise.allSettled(sends);
  requests[0]!.done();
  await tick();
  requests[1]!.done(new Error('broker said no'));
  await tick();
  requests[2]!.done();
  await tick();
  requests[3]!.done();
  assert.deepEqual(requests.map((request) => request.payloads), [['a'], ['bb', 'cc'], ['dddddd'], ['e']]);
  assert.deepEqual((await settled).map((entry) => entry.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
});

test('past the in-flight limit, a full batch leaves at once while fewer than maxFullInFlight requests are outstanding', async () => {
  const { requests, send } = manualSender();
  const batcher = new SendBatcher(send, 1, 4, 3);
  const sends = ['a', 'b', 'cc', 'd'].map((text) => batcher.send(Buffer.from(text)));
  // 'b' waits (a partial batch, one request outstanding); 'cc' and 'd' fill the batch, and it leaves.
  assert.deepEqual(requests.map((request) => request.payloads), [['a'], ['b', 'cc', 'd']]);
  sends.push(...['e', 'ffff'].map((text) => batcher.send(Buffer.from(text))));
  // 'e' and 'ffff' pass 4 bytes: 'e' leaves (ffff does not fit beside it); 'ffff' alone is full, but 3 are outstanding.
  assert.deepEqual(requests.map((request) => request.payloads), [['a'], ['b', 'cc', 'd'], ['e']]);
  requests[0]!.done();
  await tick();
  assert.deepEqual(requests.map((request) => request.payloads), [['a'], ['b', 'cc', 'd'], ['e'], ['ffff']]);
  for (const request of requests.slice(1)) request.done();
  assert.deepEqual(await Promise.all(sends), ['id-a', 'id-b', 'id-cc', 'id-d', 'id-e', 'id-ffff']);
});
