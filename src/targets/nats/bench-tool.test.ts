import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerBatch, natsBenchArgs, natsBenchConsumeArgs, parseNatsBench, parseNatsBenchConsume } from './bench-tool.js';

test('parseNatsBench reads the publisher rate natscli v0.5 prints', () => {
  const output = `20:01:43 Starting JetStream asynchronous publisher benchmark [batch=256, clients=1, msg-size=1.0 KiB, msgs=200,000]
20:01:43 [1] Starting JetStream asynchronous publisher, publishing 200,000 messages

NATS JetStream asynchronous publisher stats: 126,052 msgs/sec ~ 123 MiB/sec ~ min: 653.00us ~ avg: 2,001.12us ~ P99: 9,876.00us
`;
  assert.equal(parseNatsBench(output), 126_052);
  assert.throws(() => parseNatsBench('nats: error: stream not found'), /nats bench printed no publisher stats:\nnats: error: stream not found/);
});

test('natsBenchArgs asks for the trial\'s size, count and outstanding PubAcks in the existing stream', () => {
  const args = natsBenchArgs({ messageBytes: 1024, messages: 5000, concurrency: 64, producers: 1, timeoutMs: 1, topic: 'mqb-1-tool', signal: new AbortController().signal }, 'nats://h:1');
  assert.deepEqual(args.slice(0, 13), ['bench', 'js', 'pub', 'async', 'mqb-1-tool', '--stream', 'mqb-1-tool', '--msgs', '5000', '--size', '1024B', '--batch', '64']);
  assert.ok(!args.includes('--create'), 'the stream is made by mqbench, like its own');
});

test('parseNatsBenchConsume reads the durable consumer rate natscli v0.5 prints; the consume arguments name the stream', () => {
  const output = `22:44:47 Starting JetStream durable consumer (callback) benchmark [acks=explicit, batch=500, clients=1, consumer=nats-bench, double-acked=false, msg-size=1.0 KiB, msgs=100,000, purge=false, sleep=0s, stream=t1]
22:44:47 [1] Starting JetStream durable consumer (callback), expecting 100,000 messages

NATS JetStream durable consumer (callback) stats: 167,605 msgs/sec ~ 164 MiB/sec
`;
  assert.equal(parseNatsBenchConsume(output), 167_605);
  assert.throws(() => parseNatsBenchConsume('nats: error: consumer not found'), /nats bench printed no consumer stats:\nnats: error: consumer not found/);
  const backlog = { topic: 'mqb-1', group: 'mqb-1-tool-reader', messages: 6000 };
  const args = natsBenchConsumeArgs({ messageBytes: 1024, messages: 5000, concurrency: 64, producers: 1, timeoutMs: 1, topic: 'mqb-1-tool', readBack: backlog, signal: new AbortController().signal }, backlog, 'nats://h:1');
  assert.deepEqual(args.slice(0, 9), ['bench', 'js', 'consume', '--stream', 'mqb-1', '--msgs', '6000', '--size', '1024B'], "the trial's own stream")
  assert.equal(args[args.indexOf('--acks') + 1], 'explicit', 'an ack per message, as mqbench\'s durable pull consumer');
});

test("nats bench's consumer buffers 500 messages, or fewer where 500 would pass 32 MiB", () => {
  assert.equal(consumerBatch(1024), 500);
  assert.equal(consumerBatch(64 * 1024), 500);
  assert.equal(consumerBatch(1024 * 1024), 32);
  assert.equal(consumerBatch(64 * 1024 * 1024), 1);
});
