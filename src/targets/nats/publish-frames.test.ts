import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidSubject, PublishFrames } from './publish-frames.js';

/** Splits frames back into publishes, as nats-server reads them. */
function parseFrames(frames: Buffer): { subject: string; reply: string; payload: Buffer }[] {
  const out: { subject: string; reply: string; payload: Buffer }[] = [];
  let offset = 0;
  while (offset < frames.length) {
    const lineEnd = frames.indexOf('\r\n', offset);
    const [verb, subject, reply, length] = frames.subarray(offset, lineEnd).toString('utf8').split(' ');
    assert.equal(verb, 'PUB');
    const start = lineEnd + 2;
    const payload = frames.subarray(start, start + Number(length));
    assert.equal(frames.subarray(start + payload.length, start + payload.length + 2).toString(), '\r\n', 'each payload ends with CRLF');
    out.push({ subject: subject!, reply: reply!, payload });
    offset = start + payload.length + 2;
  }
  return out;
}

test('frames are PUB lines with the reply under the inbox, each payload whole, in order, nothing left over', () => {
  const frames = new PublishFrames('_INBOX.abc');
  const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(3000, 7), Buffer.from('\r\nPUB x y 1\r\n')];
  const built = frames.build(payloads.map((payload, index) => ({ subject: index % 2 ? 'orders.b' : 'orders.a', payload, token: index.toString(36) })));
  const parsed = parseFrames(built);
  assert.equal(parsed.length, 4);
  parsed.forEach((frame, index) => {
    assert.equal(frame.subject, index % 2 ? 'orders.b' : 'orders.a');
    assert.equal(frame.reply, `_INBOX.abc.${index.toString(36)}`);
    assert.deepEqual(frame.payload, payloads[index]);
  });
});

test('a subject outside ASCII is framed by its UTF-8 bytes, and its length is the payload\'s', () => {
  const built = new PublishFrames('_INBOX.i').build([{ subject: 'zürich.données', payload: Buffer.from('ü'), token: 'z' }]);
  assert.deepEqual(built, Buffer.from('PUB zürich.données _INBOX.i.z 2\r\nü\r\n', 'utf8'));
});

test('an empty subject or one with white space is named as invalid', () => {
  assert.equal(invalidSubject('orders.1'), undefined);
  assert.match(invalidSubject('')!, /empty/);
  assert.match(invalidSubject('a b')!, /white space/);
  assert.match(invalidSubject('a\tb')!, /white space/);
});
