/**
 * What the harness's check of one delivered message costs (µs): the envelope read with both CRCs, the delivery
 * tracker, and the two clock reads, over 200,000 distinct messages of 1 KiB (so the bodies come from memory, as a
 * consumer's do, not from cache). Three rounds.   npm run bench:receive-check
 */
import { crc32 } from '../src/util/crc32.js';
import { DeliveryTracker } from '../src/workloads/delivery.js';
import { ENVELOPE_BYTES, readEnvelope, writeEnvelope } from '../src/workloads/envelope.js';

const COUNT = 200_000;
const messages = Array.from({ length: COUNT }, (_, sequence) => {
  const message = Buffer.alloc(1024, sequence & 255);
  writeEnvelope(message, { producerId: 0, sequence, intendedMs: 1, sentMs: 2, bodyCrc: crc32(message.subarray(ENVELOPE_BYTES)) });
  return message;
});
const perMessage = (work: () => void) => {
  const started = performance.now();
  work();
  return (((performance.now() - started) / COUNT) * 1000).toFixed(2);
};
for (let round = 1; round <= 3; round++) {
  const tracker = new DeliveryTracker();
  console.log({
    round,
    envelopeAndCrcsUs: perMessage(() => messages.forEach((message) => readEnvelope(message))),
    bodyCrcAloneUs: perMessage(() => messages.forEach((message) => crc32(message.subarray(ENVELOPE_BYTES)))),
    trackerUs: perMessage(() => messages.forEach((_, sequence) => tracker.onDelivered(0, sequence))),
    clocksUs: perMessage(() => messages.forEach(() => (performance.now(), Date.now()))),
  });
}
