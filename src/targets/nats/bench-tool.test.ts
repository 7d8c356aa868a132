import assert from 'node:assert/strict';
import { test } from 'node:test';
import { natsBenchArgs, parseNatsBench } from './bench-tool.js';

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
