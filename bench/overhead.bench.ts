/**
 * The harness's own per-message cost (npm run bench:overhead): everything mqbench does per message besides the
 * broker call, timed with tinybench — on the producer side (take a send buffer, copy the body, write the envelope,
 * record the acknowledgement) and on the consumer side (verify the envelope and CRC32 of the body, delivery
 * bookkeeping, HDR recording). The figure bounds the rate at which the harness itself could become the bottleneck.
 * Writes reports/overhead.json next to the printed table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Bench } from 'tinybench';
import { PhaseRecorder } from '../src/metrics/recorder.js';
import { nowMs } from '../src/util/clock.js';
import { formatBytes } from '../src/util/units.js';
import { alignTable } from '../src/report/table.js';
import { DeliveryTracker } from '../src/workloads/delivery.js';
import { ENVELOPE_BYTES, readEnvelope, writeEnvelope } from '../src/workloads/envelope.js';
import { PayloadSource } from '../src/workloads/payload.js';
import { SendBuffers } from '../src/workloads/send-buffers.js';

const SIZES = [1024, 64 * 1024, 1024 * 1024, 5 * 1024 * 1024];

interface Row {
  messageBytes: number;
  producerUs: number;
  consumerUs: number;
  totalUs: number;
  harnessLimitMessagesPerSec: number;
  harnessLimitMegabytesPerSec: number;
}

async function measure(messageBytes: number): Promise<Row> {
  const messages = 64;
  const payloads = new PayloadSource('random', messageBytes - ENVELOPE_BYTES, messages, 1);
  const buffers = new SendBuffers(messageBytes);
  const recorder = new PhaseRecorder(nowMs(), nowMs);
  const tracker = new DeliveryTracker();
  const delivered: Buffer[] = [];
  let sequence = 0;
  for (let i = 0; i < messages; i++) {
    const message = Buffer.alloc(messageBytes);
    const body = payloads.body(i);
    body.bytes.copy(message, ENVELOPE_BYTES);
    writeEnvelope(message, { producerId: 1, sequence: i, intendedMs: nowMs(), sentMs: nowMs(), bodyCrc: body.crc });
    delivered.push(message);
  }
  let consumed = 0;
  const bench = new Bench({ time: messageBytes > 1e6 ? 1500 : 700, warmupTime: 200 });
  bench.add('producer', () => {
    const message = buffers.acquire();
    const body = payloads.body(sequence);
    body.bytes.copy(message, ENVELOPE_BYTES);
    const sentMs = nowMs();
    writeEnvelope(message, { producerId: 1, sequence, intendedMs: sentMs, sentMs, bodyCrc: body.crc });
    tracker.onPublished();
    const ackedMs = nowMs();
    tracker.onAcknowledged(1, sequence);
    recorder.recordPublish(ackedMs - sentMs, message.length, ackedMs);
    buffers.release(message);
    sequence += 1;
  });
  bench.add('consumer', () => {
    const payload = delivered[consumed % messages]!;
    const receivedMs = nowMs();
    const check = readEnvelope(payload);
    if (!check.ok) throw new Error(check.reason);
    tracker.onDelivered(2, consumed);
    recorder.recordDelivery(receivedMs - check.envelope.intendedMs, payload.byteLength, receivedMs);
    consumed += 1;
  });
  await bench.run();
  const meanUs = (name: string) => {
    const result = bench.tasks.find((task) => task.name === name)!.result as { latency?: { mean: number } };
    if (!result.latency) throw new Error(`${name} did not complete`);
    return result.latency.mean * 1000;
  };
  const producerUs = meanUs('producer');
  const consumerUs = meanUs('consumer');
  const totalUs = producerUs + consumerUs;
  return {
    messageBytes,
    producerUs,
    consumerUs,
    totalUs,
    harnessLimitMessagesPerSec: 1e6 / totalUs,
    harnessLimitMegabytesPerSec: (1e6 / totalUs) * (messageBytes / 1e6),
  };
}

const rows: Row[] = [];
for (const size of SIZES) rows.push(await measure(size));
const fixed = (value: number, digits = 1) => value.toFixed(digits);
process.stdout.write(
  `${alignTable(
    [
      ['message', 'producer µs/msg', 'consumer µs/msg', 'total µs/msg', 'harness limit msg/s', 'harness limit MB/s'],
      ...rows.map((row) => [
        formatBytes(row.messageBytes),
        fixed(row.producerUs, 2),
        fixed(row.consumerUs, 2),
        fixed(row.totalUs, 2),
        Math.round(row.harnessLimitMessagesPerSec).toLocaleString('en-US'),
        fixed(row.harnessLimitMegabytesPerSec, 0),
      ]),
    ],
    1,
  )}\n`,
);
await mkdir('reports', { recursive: true });
await writeFile('reports/overhead.json', `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
process.stdout.write('written: reports/overhead.json\n');
