import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingFrom, pulsarPerfArgs, pulsarPerfConsumeArgs, rateFromSamples } from './perf-tool.js';

test('pulsar-perf is timed from a fifth of the messages to the sample that saw them all', () => {
  const samples = [
    { atMs: 0, messages: 0 },
    { atMs: 500, messages: 100 },
    { atMs: 1000, messages: 250 },
    { atMs: 2000, messages: 600 },
    { atMs: 2500, messages: 1000 },
    { atMs: 2550, messages: 1000 },
  ];
  // From 250 at 1.0 s to 1000 at 2.5 s: 750 messages in 1.5 s.
  assert.equal(rateFromSamples(samples, 1000), 500);
  assert.equal(rateFromSamples(samples.slice(0, 4), 1000), undefined, 'never saw them all');
  // A run so short that one sample saw a fifth and all of it: from the sample before (100 at 0.5 s) to 1000 at 1 s.
  const quick = [{ atMs: 0, messages: 0 }, { atMs: 500, messages: 100 }, { atMs: 1000, messages: 1010 }];
  assert.equal(rateFromSamples(quick, 1000), 1820);
  assert.equal(rateFromSamples(quick.slice(2), 1000), undefined, 'no sample before it');
  // The read side, from the first sample that saw the tool's consumer subscribed (at 0.5 s; the counter moved at 1 s)
  // to 1000 at 2.5 s, as mqbench's read-back is timed from its consumer's open.
  const read = [{ atMs: 0, messages: 0 }, { atMs: 500, messages: 0, subscribed: true }, { atMs: 1000, messages: 200, subscribed: true }, { atMs: 2500, messages: 1000, subscribed: true }];
  assert.equal(rateFromSamples(read, 1000, 'subscribed'), 500);
  // Subscribed and delivering within one poll: from the last sample before the counter moved (0 at 0 s).
  const together = [{ atMs: 0, messages: 0 }, { atMs: 500, messages: 200, subscribed: true }, { atMs: 2000, messages: 1000, subscribed: true }];
  assert.equal(rateFromSamples(together, 1000, 'subscribed'), 500);
  // Never seen subscribed (a consumer gone before the poll): the last sample before the counter moved.
  assert.equal(rateFromSamples(samples, 1000, 'subscribed'), 400);
  assert.equal(rateFromSamples(samples.slice(1), 1000, 'subscribed'), undefined, 'no sample before the first message');
});

test("pulsarPerfArgs: the trial's size, count and sends outstanding into the topic mqbench made", () => {
  const args = pulsarPerfArgs({ messageBytes: 1024, messages: 5000, concurrency: 64, producers: 1, timeoutMs: 1, topic: 'mqb-1-tool', signal: new AbortController().signal }, 'pulsar://h:6650');
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(args[0], 'produce');
  assert.equal(value('--num-messages'), '5000');
  assert.equal(value('--size'), '1024');
  assert.equal(value('--max-outstanding'), '64');
  assert.equal(args.at(-1), 'persistent://public/default/mqb-1-tool');
  assert.ok(!args.includes('--disable-batching'), 'batching at the tool\'s defaults, as the Java client');
});

test("pulsarPerfConsumeArgs reads the trial's backlog through the subscription the workload made before its writes", () => {
  const args = pulsarPerfConsumeArgs({ topic: 'mqb-1', group: 'mqb-1-tool-reader', messages: 6000 }, 'pulsar://h:6650');
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(args[0], 'consume');
  assert.equal(value('--subscriptions'), 'mqb-1-tool-reader');
  assert.equal(value('--subscription-position'), 'Earliest');
  assert.equal(value('--num-messages'), '6000');
  assert.equal(args.at(-1), 'persistent://public/default/mqb-1');
});

test("a topic's counter is read from its value when the run starts (a topic holding the warm-up's messages)", async () => {
  let value = 3000;
  const counted = await countingFrom(async () => value);
  assert.equal(await counted(), 0);
  value = 3750;
  assert.equal(await counted(), 750);
});
