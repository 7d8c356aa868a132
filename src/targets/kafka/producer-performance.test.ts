import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProducerPerformance, producerPerformanceArgs } from './producer-performance.js';

// Printed by Kafka 4.3.1's ProducerPerformance on the development machine (--warmup-records 20000, then without).
const WITH_WARMUP = `Warmup first 20000 records. Steady state results will print after the complete test summary.
100000 records sent, 24557.956778 records/sec (23.98 MB/sec), 968.26 ms avg latency, 1541.00 ms max latency, 905 ms 50th, 1502 ms 95th, 1518 ms 99th, 1535 ms 99.9th.
80000 steady state records sent, 22889.842632 records/sec (22.35 MB/sec), 1048.38 ms avg latency, 1541.00 ms max latency, 912 ms 50th, 1505 ms 95th, 1522 ms 99th, 1535 ms 99.9th.
`;
const WITHOUT_WARMUP = `49933 records sent, 9986.6 records/sec (9.75 MB/sec), 1101.2 ms avg latency, 1700.0 ms max latency.
100000 records sent, 21335.609132 records/sec (20.84 MB/sec), 1181.41 ms avg latency, 1763.00 ms max latency, 1241 ms 50th, 1676 ms 95th, 1736 ms 99th, 1757 ms 99.9th.
`;

test('parseProducerPerformance takes the steady-state summary when there is one, else the final whole-run line', () => {
  assert.deepEqual(parseProducerPerformance(WITH_WARMUP), { records: 80000, recordsPerSec: 22889.842632 });
  assert.deepEqual(parseProducerPerformance(WITHOUT_WARMUP), { records: 100000, recordsPerSec: 21335.609132 });
  assert.throws(() => parseProducerPerformance('Exception in thread "main" TimeoutException'), /ProducerPerformance printed no summary:\nException/);
});

test('producerPerformanceArgs: the trial\'s size and count, a fifth of it as warm-up, acks=all, the broker\'s message limit', () => {
  const args = producerPerformanceArgs({ messageBytes: 1024, messages: 5000, concurrency: 64, producers: 1, timeoutMs: 1, topic: 'mqb-1-tool', signal: new AbortController().signal }, 'h:9092', 10 << 20);
  assert.equal(args[0], 'org.apache.kafka.tools.ProducerPerformance');
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(value('--topic'), 'mqb-1-tool');
  assert.equal(value('--num-records'), '5000');
  assert.equal(value('--warmup-records'), '1000');
  assert.equal(value('--record-size'), '1024');
  assert.equal(value('--throughput'), '-1');
  assert.deepEqual(args.slice(args.indexOf('--command-property') + 1, args.indexOf('--command-property') + 4), ['bootstrap.servers=h:9092', 'acks=all', `max.request.size=${10 << 20}`]);
});
