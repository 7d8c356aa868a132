import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerPerformanceArgs, parseConsumerPerformance } from './consumer-performance.js';

// Printed by Kafka 4.3.1's ConsumerPerformance on the development machine (50,000 records of 1 KiB).
const OUTPUT = `2026-11-29T22:48:26.875257930Z main ERROR Reconfiguration failed: No configuration found for '30946e09' at 'null' in 'null'
start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-29 22:48:27:106, 2026-11-29 22:48:28:057, 48.8281, 51.3440, 50000, 52576.2355, 451, 500, 97.6563, 100000.0000
`;

test('parseConsumerPerformance takes the records read and the overall rate (the group join included) by column name', () => {
  assert.deepEqual(parseConsumerPerformance(OUTPUT), { records: 50000, recordsPerSec: 52576.2355 });
  assert.throws(() => parseConsumerPerformance('WARN Exiting before consuming the expected number of records'), /ConsumerPerformance printed no summary:\nWARN Exiting/);
  const timedOut = OUTPUT.replace('\n2026-11-29 22:48:27', '\nWARNING: Exiting before consuming the expected number of records: timeout (30000 ms) exceeded.\n2026-11-29 22:48:27');
  assert.deepEqual(parseConsumerPerformance(timedOut), { records: 50000, recordsPerSec: 52576.2355 }, 'a warning between header and values');
  const truncated = OUTPUT.replace(/, 52576\.2355.*/, '');
  assert.throws(() => parseConsumerPerformance(truncated), /no nMsg\.sec in its summary/);
});

test("consumerPerformanceArgs reads the trial's backlog, every message of it, in the calibration group, from the earliest offset", () => {
  const args = consumerPerformanceArgs({ topic: 'mqb-1', group: 'mqb-1-tool-reader', messages: 6000 }, 'h:9092');
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(args[0], 'org.apache.kafka.tools.ConsumerPerformance');
  assert.equal(value('--topic'), 'mqb-1');
  assert.equal(value('--num-records'), '6000');
  assert.equal(value('--group'), 'mqb-1-tool-reader');
  assert.ok(!args.includes('--from-latest'));
});
