/**
 * pulsar-perf (from the Pulsar distribution) as the Pulsar calibration: `pulsar-perf produce` with the trial's message
 * size and count and as many sends outstanding, batching at its defaults as the Java client does; for the read side,
 * `pulsar-perf consume` reads the trial's backlog through a subscription the workload made before its writes. pulsar-perf's own
 * totals include seconds of idle shutdown, so mqbench times the messages itself: it polls the topic's msgInCounter
 * and takes the rate from the sample past the first fifth of the messages (warm-up) to the one that saw them all.
 */
import { pulsarPerfAuthArgs, type PulsarPerfAccess } from './auth.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSIONS } from '../../install/versions.js';
import type { ToolProbeSpec, ToolReadBackSpec, ToolReading } from '../driver.js';
import { execute } from '../../install/exec.js';
import { toolReading } from '../perf-tool.js';
import { PulsarAdmin } from './admin.js';
import { pulsarHome } from './install.js';

const POLL_MS = 50;

/** The arguments of `pulsar-perf` for `spec` against `serviceUrl`. */
export function pulsarPerfArgs(spec: ToolProbeSpec, serviceUrl: string, access?: PulsarPerfAccess): string[] {
  return [
    'produce',
    '--service-url', serviceUrl,
    ...pulsarPerfAuthArgs(access),
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
  /** The tool's consumer was connected to its subscription (the read side). */
  subscribed?: boolean;
}

/**
 * The rate from a start sample to the first that saw every message. The start: the first sample at or past a fifth of
 * `total` (`fifth`, a warm-up), or for the read side (`subscribed`) the first that saw the tool's consumer connected,
 * or the last before the counter moved if that is earlier (subscribing and the first delivery within one poll). When a
 * run was so short that one sample saw both a fifth and all of it, the sample before that one is the start.
 */
export function rateFromSamples(samples: readonly CounterSample[], total: number, from: 'fifth' | 'subscribed' = 'fifth'): number | undefined {
  const endIndex = samples.findIndex((sample) => sample.messages >= total);
  if (endIndex < 0) return undefined;
  const fifth = samples.findIndex((sample) => sample.messages >= total / 5);
  const beforeMovement = samples.findIndex((sample) => sample.messages > 0) - 1;
  const subscribed = samples.findIndex((sample) => sample.subscribed);
  const startIndex = from === 'fifth' ? (fifth === endIndex ? endIndex - 1 : fifth) : subscribed >= 0 ? Math.min(subscribed, beforeMovement) : beforeMovement;
  const [start, end] = [samples[startIndex], samples[endIndex]!];
  if (!start || end.atMs <= start.atMs) return undefined;
  return (end.messages - start.messages) / ((end.atMs - start.atMs) / 1000);
}

/** Runs pulsar-perf for `spec` into the existing topic, timing it by the topic's counter. */
export async function runPulsarPerf(spec: ToolProbeSpec, serviceUrl: string, admin: PulsarAdmin, access?: PulsarPerfAccess): Promise<ToolReading> {
  const args = pulsarPerfArgs(spec, serviceUrl, access);
  // The topic may hold an earlier run's messages (the calibration's warm-up): count from there.
  const written = await countingFrom(() => admin.messagesIn(spec.topic));
  const messagesPerSec = await runTimedByCounter(args, spec, spec.messages, async () => ({ messages: await written() }), 'msgInCounter', 'fifth');
  return toolReading({
    tool: `pulsar-perf ${VERSIONS.pulsar}`,
    command: ['pulsar-perf', ...args].join(' '),
    settings: {
      batching: 'on (pulsar-perf default: 1 ms window, 1000 messages, 128 KiB)',
      maxOutstanding: spec.concurrency,
      producers: 1,
      timing: `topic msgInCounter (counted from its value before the run) polled every ${POLL_MS} ms, from a fifth of the messages to the last`,
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec,
  });
}

/** The receiver queue of pulsar-perf's consumer (the Java client's default). */
const RECEIVER_QUEUE = 1000;

/** The arguments of `pulsar-perf consume` reading the backlog through the subscription made before the writes. */
export function pulsarPerfConsumeArgs(backlog: ToolReadBackSpec, serviceUrl: string, access?: PulsarPerfAccess): string[] {
  return [
    'consume',
    '--service-url', serviceUrl,
    ...pulsarPerfAuthArgs(access),
    '--subscriptions', backlog.group,
    '--subscription-position', 'Earliest',
    '--num-messages', String(backlog.messages),
    '--receiver-queue-size', String(RECEIVER_QUEUE),
    '--stats-interval-seconds', '1',
    PulsarAdmin.topicName(backlog.topic),
  ];
}

/** Reads the trial's backlog, timed by the topic's msgOutCounter (counted from its value before the tool started). */
export async function runPulsarPerfConsume(spec: ToolProbeSpec, serviceUrl: string, admin: PulsarAdmin, backlog: ToolReadBackSpec, access?: PulsarPerfAccess): Promise<ToolReading> {
  const args = pulsarPerfConsumeArgs(backlog, serviceUrl, access);
  // mqbench's own consumer has already been delivered the backlog: count from there.
  const before = (await admin.stats(backlog.topic)).msgOutCounter ?? 0;
  const sample = async () => {
    const stats = await admin.stats(backlog.topic);
    return { messages: (stats.msgOutCounter ?? 0) - before, subscribed: (stats.subscriptions?.[backlog.group]?.consumers?.length ?? 0) > 0 };
  };
  const messagesPerSec = await runTimedByCounter(args, spec, backlog.messages, sample, 'msgOutCounter', 'subscribed');
  return toolReading({
    tool: `pulsar-perf ${VERSIONS.pulsar}`,
    command: ['pulsar-perf', ...args].join(' '),
    settings: {
      subscription: 'Exclusive, from the earliest message',
      receiverQueueSize: RECEIVER_QUEUE,
      consumers: 1,
      timing: `topic msgOutCounter polled every ${POLL_MS} ms, from the first sample that saw the tool's consumer subscribed to the last message (the JVM's start excluded; mqbench's read-back is timed from its consumer's open)`,
    },
    messages: backlog.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec,
  });
}

/** A counter read relative to its value now. */
export async function countingFrom(counter: () => Promise<number>): Promise<() => Promise<number>> {
  const before = await counter();
  return async () => (await counter()) - before;
}

/**
 * Runs pulsar-perf with `args` while polling `sample` (msgInCounter or msgOutCounter of the topic), and returns the
 * rate from the `from` sample to the one that saw all `total`. pulsar-perf's own totals include its shutdown.
 */
async function runTimedByCounter(
  args: string[],
  spec: ToolProbeSpec,
  total: number,
  sample: () => Promise<Omit<CounterSample, 'atMs'>>,
  counterName: string,
  from: 'fifth' | 'subscribed',
): Promise<number> {
  const logDir = await mkdtemp(join(tmpdir(), 'mqbench-pulsar-perf-'));
  const samples: CounterSample[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const taken = await sample().catch(() => undefined);
      if (taken) samples.push({ atMs: performance.now(), ...taken });
      if (taken && taken.messages >= total) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  try {
    await execute(join(pulsarHome(), 'bin', 'pulsar-perf'), args, {
      label: `pulsar-perf ${args[0]}`,
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
  const messagesPerSec = rateFromSamples(samples, total, from);
  if (messagesPerSec === undefined) {
    const last = samples.at(-1)?.messages;
    throw new Error(
      last !== undefined && last >= total
        ? `pulsar-perf ${args[0]}: too quick to time by the topic's ${counterName} (polled every ${POLL_MS} ms, ${samples.length} samples)`
        : `pulsar-perf ${args[0]}: the topic's ${counterName} never reached ${total} messages (last ${last ?? 'no'} sample)`,
    );
  }
  return messagesPerSec;
}
