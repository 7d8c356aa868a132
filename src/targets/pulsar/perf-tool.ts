/**
 * pulsar-perf (from the Pulsar distribution) as the Pulsar calibration: `pulsar-perf produce` with the trial's message
 * size and count and as many sends outstanding, batching at its defaults as the Java client does. pulsar-perf's own
 * totals include seconds of idle shutdown, so mqbench times the messages itself: it polls the topic's msgInCounter
 * and takes the rate from the sample past the first fifth of the messages (warm-up) to the one that saw them all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSIONS } from '../../install/versions.js';
import type { ToolProbeSpec, ToolReading } from '../driver.js';
import { execute } from '../../install/exec.js';
import { PulsarAdmin } from './admin.js';
import { pulsarHome } from './install.js';

const POLL_MS = 50;

/** The arguments of `pulsar-perf` for `spec` against `serviceUrl`. */
export function pulsarPerfArgs(spec: ToolProbeSpec, serviceUrl: string): string[] {
  return [
    'produce',
    '--service-url', serviceUrl,
    '--rate', '10000000',
    '--num-messages', String(spec.messages),
    '--size', String(spec.messageBytes),
    '--max-outstanding', String(spec.concurrency),
    '--stats-interval-seconds', '1',
    PulsarAdmin.topicName(spec.topic),
  ];
}

/** One sample of the topic's message counter. */
export interface CounterSample {
  atMs: number;
  messages: number;
}

/** The rate between the first sample at or past a fifth of `total` and the first that saw every message. */
export function rateFromSamples(samples: readonly CounterSample[], total: number): number | undefined {
  const start = samples.find((sample) => sample.messages >= total / 5);
  const end = samples.find((sample) => sample.messages >= total);
  if (!start || !end || end.atMs <= start.atMs) return undefined;
  return (end.messages - start.messages) / ((end.atMs - start.atMs) / 1000);
}

/** Runs pulsar-perf for `spec` into the existing topic, timing it by the topic's counter. */
export async function runPulsarPerf(spec: ToolProbeSpec, serviceUrl: string, admin: PulsarAdmin): Promise<ToolReading> {
  const args = pulsarPerfArgs(spec, serviceUrl);
  const logDir = await mkdtemp(join(tmpdir(), 'mqbench-pulsar-perf-'));
  const samples: CounterSample[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const messages = await admin.messagesIn(spec.topic).catch(() => undefined);
      if (messages !== undefined) samples.push({ atMs: performance.now(), messages });
      if (messages !== undefined && messages >= spec.messages) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  try {
    await execute(join(pulsarHome(), 'bin', 'pulsar-perf'), args, {
      label: 'pulsar-perf',
      timeoutMs: spec.timeoutMs,
      signal: spec.signal,
      // Absolute paths: bin/pulsar-perf changes directory to the distribution first.
      env: { PULSAR_LOG_DIR: logDir, PULSAR_MEM: '-Xms256m -Xmx512m -XX:MaxDirectMemorySize=512m', PULSAR_GC: '-XX:+UseG1GC' },
    });
  } finally {
    polling = false;
    await poll;
    await rm(logDir, { recursive: true, force: true });
  }
  const messagesPerSec = rateFromSamples(samples, spec.messages);
  if (messagesPerSec === undefined) {
    throw new Error(`pulsar-perf: the topic's counter never reached ${spec.messages} messages (last ${samples.at(-1)?.messages ?? 'no'} sample)`);
  }
  return {
    tool: `pulsar-perf ${VERSIONS.pulsar}`,
    command: ['pulsar-perf', ...args].join(' '),
    settings: {
      batching: 'on (pulsar-perf default: 1 ms window, 1000 messages, 128 KiB)',
      maxOutstanding: spec.concurrency,
      producers: 1,
      timing: `topic msgInCounter polled every ${POLL_MS} ms, from a fifth of the messages to the last`,
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    seconds: spec.messages / messagesPerSec,
    messagesPerSec,
    megabytesPerSec: (messagesPerSec * spec.messageBytes) / 1e6,
  };
}
