import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import { ackFrames, rawCommandSender, replyBytes, TurnAcks } from './turn-acks.js';

test("a turn's acks are sent together at its end, each message acked once; flush sends what is queued at once", async () => {
  const acked: number[] = [];
  const message = (id: number) => ({ ack: () => void acked.push(id) });
  const acks = new TurnAcks();
  [1, 2, 3].forEach((id) => acks.add(message(id)));
  assert.deepEqual(acked, [], 'nothing is sent during the turn');
  await nextTurn();
  assert.deepEqual(acked, [1, 2, 3]);
  acks.add(message(4));
  acks.flush();
  assert.deepEqual(acked, [1, 2, 3, 4]);
  await nextTurn();
  assert.deepEqual(acked, [1, 2, 3, 4], 'a flushed ack is not sent twice');
});

test("with a raw sender, a turn's acks are one command of PUB +ACK frames, one per message, in order; a message without a reply acks itself", async () => {
  const sent: string[] = [];
  const ownAcks: string[] = [];
  const message = (reply: string) => ({ reply, ack: () => void ownAcks.push(reply) });
  const acks = new TurnAcks((commands) => sent.push(Buffer.from(commands).toString()));
  ['$JS.ACK.s.c.1.1.1.0.9', '$JS.ACK.s.c.1.2.2.0.8'].forEach((reply) => acks.add(message(reply)));
  acks.add(message(''));
  await nextTurn();
  assert.deepEqual(sent, ['PUB $JS.ACK.s.c.1.1.1.0.9 4\r\n+ACK\r\nPUB $JS.ACK.s.c.1.2.2.0.8 4\r\n+ACK\r\n']);
  assert.deepEqual(ownAcks, [''], 'only the message without a reply subject used its own ack');
  await nextTurn();
  assert.equal(sent.length, 1, 'nothing is sent twice');
});

test('the raw sender is the connection protocol handler\'s sendCommand, called on the handler; none where there is no such method', () => {
  const received: unknown[] = [];
  const protocol = { sendCommand(this: unknown, command: string) { received.push(this, command); } };
  rawCommandSender({ protocol })!('PUB x 4\r\n+ACK\r\n');
  assert.deepEqual(received, [protocol, 'PUB x 4\r\n+ACK\r\n']);
  assert.equal(rawCommandSender({}), undefined);
  assert.equal(rawCommandSender({ protocol: {} }), undefined);
  assert.equal(ackFrames([]).length, 0);
});

test("a nats.js message's ack frame is built from the reply bytes its parser read, without decoding its reply", async () => {
  const sent: string[] = [];
  const reply = Buffer.from('$JS.ACK.s.c.1.7.7.0.3');
  const message = {
    msg: { _msg: { reply: new Uint8Array(reply) } },
    get reply(): string {
      throw new Error('the reply string was read');
    },
    ack: () => assert.fail('its own ack was used'),
  };
  const acks = new TurnAcks((commands) => sent.push(Buffer.from(commands).toString()));
  acks.add(message);
  await nextTurn();
  assert.deepEqual(sent, ['PUB $JS.ACK.s.c.1.7.7.0.3 4\r\n+ACK\r\n']);
  assert.deepEqual(replyBytes({ ack() {} }), undefined);
});
