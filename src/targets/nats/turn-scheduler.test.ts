import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { PipelinedPublisher } from './pipelined-publisher.js';
import { TurnAcks } from './turn-acks.js';
import { TurnScheduler } from './turn-scheduler.js';

test("a turn's tasks run in one immediate, the first ones ahead, each in the order they came, those added meanwhile in the next; a throwing task stops none of the others", async () => {
  const turn = new TurnScheduler();
  const ran: string[] = [];
  turn.later(() => ran.push('a'));
  turn.later(() => {
    ran.push('b');
    turn.later(() => ran.push('d'));
  });
  turn.later(() => ran.push('c'));
  turn.laterFirst(() => ran.push('first'));
  assert.deepEqual(ran, []);
  await nextTurn();
  assert.deepEqual(ran, ['first', 'a', 'b', 'c']);
  await nextTurn();
  assert.deepEqual(ran, ['first', 'a', 'b', 'c', 'd']);

  const after: string[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onUncaught);
  try {
    turn.later(() => {
      throw new Error('first');
    });
    turn.later(() => after.push('ran'));
    await nextTurn();
    await nextTurn();
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    for (const listener of listeners) process.on('uncaughtException', listener);
  }
  assert.deepEqual(after, ['ran']);
  assert.deepEqual(uncaught.map((error) => (error as Error).message), ['first']);
});

/**
 * A connection shaped as nats.js's: commands fill an outbound buffer, written to the socket on the microtask after
 * the first command into an empty buffer (ProtocolHandler.sendCommand). Each write is logged.
 */
function microtaskFlushingConnection() {
  const writes: string[] = [];
  let outbound: string[] = [];
  const sendCommand = (command: string | Uint8Array) => {
    if (outbound.length === 0) {
      queueMicrotask(() => {
        writes.push(outbound.join(''));
        outbound = [];
      });
    }
    outbound.push(Buffer.from(command).toString('latin1'));
  };
  const connection = {
    info: { max_payload: 1024 * 1024 },
    isClosed: () => false,
    isDraining: () => false,
    subscribe: () => ({ unsubscribe() {} }),
    publish: () => assert.fail('every publish here is framed'),
  } as unknown as NatsConnection;
  return { connection, sendCommand, writes };
}

/** A consumer's message is acked, and the publish its PubAck lets go (in a microtask, as an awaited send's) follows. */
async function ackThenPublish(shared: boolean): Promise<string[]> {
  const { connection, sendCommand, writes } = microtaskFlushingConnection();
  const turn = new TurnScheduler();
  const publisher = new PipelinedPublisher(connection, 60_000, sendCommand, shared ? turn : new TurnScheduler());
  const acks = new TurnAcks(sendCommand, shared ? turn : new TurnScheduler());
  acks.add({ reply: '$JS.ACK.s.c.1.7.7.0.0', ack: () => assert.fail('acked by a frame') });
  queueMicrotask(() => void publisher.publish('s', Buffer.from('next')).catch(() => undefined));
  await nextTurn();
  await nextTurn();
  publisher.close();
  return writes;
}

test("sharing the connection's turn, a turn's ack and the publish after it go out in one socket write, the publish first; each with a turn of its own, in two", async () => {
  const together = await ackThenPublish(true);
  assert.equal(together.length, 1, together.join(' | '));
  assert.match(together[0]!, /^PUB s \S+ 4\r\nnext\r\nPUB \$JS\.ACK\.s\.c\.1\.7\.7\.0\.0 4\r\n\+ACK\r\n$/);
  const apart = await ackThenPublish(false);
  assert.equal(apart.length, 2, apart.join(' | '));
});
