/**
 * A Kafka consumer in kafka-reader (tools/kafka-reader): confluent-kafka-go, the client Milvus's kafka mq consumes
 * through, in its own process, streaming each message's value to the worker in frames. The worker only splits
 * frames (views of what the pipe delivers), where librdkafka's Node binding spends about 10 µs of the main thread
 * building an object and a copied Buffer per message; that binding held a 1 KiB backlog read near 95k msg/s here.
 */
import { spawn } from 'node:child_process';
import { trackChild } from '../../util/child-processes.js';
import { countAsClient, helperExiting } from '../../metrics/client-helpers.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { GoTool } from '../../install/go-tool.js';
import { execute } from '../../install/exec.js';
import type { ConsumerOptions, LogConsumer } from '../driver.js';
import type { KafkaReader } from './client.js';
import { ReaderFrameSplitter, type ReaderFrameKind } from './reader-frames.js';

/** kafka-reader, built from tools/kafka-reader with the librdkafka that confluent-kafka-go bundles (cgo). */
export const kafkaReader = new GoTool('kafka-reader', 'kafka-reader (confluent-kafka-go)', { CGO_ENABLED: '1' });

/**
 * kafka-reader and its versions: the binary `MQBENCH_KAFKA_READER` names (a container image builds one), else the
 * one built for the current source, else undefined.
 */
export async function builtKafkaReader(env: NodeJS.ProcessEnv = process.env): Promise<KafkaReader | undefined> {
  const named = env.MQBENCH_KAFKA_READER;
  // An installation without tools/ (a trimmed image) has no source to build from, and so no built reader either.
  if (!named && !(await kafkaReader.built().catch(() => false))) return undefined;
  const binary = named || (await kafkaReader.path(env));
  const output = await execute(binary, ['--version'], { label: 'kafka-reader --version', timeoutMs: 10_000 }).catch((error: unknown) => {
    throw new Error(`${named ? `MQBENCH_KAFKA_READER=${named}` : `kafka-reader (${binary})`} does not run: ${errorMessage(error)}`);
  });
  const { client, librdkafka } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { client?: string; librdkafka?: string };
  return { binary, version: `${client ?? 'confluent-kafka-go'} (librdkafka ${librdkafka ?? 'unknown'})` };
}

const READY_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 15_000;
/** How much of the reader's stderr (librdkafka's log) a failure quotes. */
const STDERR_TAIL_BYTES = 2_000;

/** Opens a group consumer of `topic` in kafka-reader that hands every message to `options.onMessage` until closed. */
export async function openGoConsumer(binary: string, properties: Record<string, string | number | boolean>, topic: string, options: ConsumerOptions): Promise<LogConsumer> {
  const starting = (error: unknown) => new Error(`Kafka consumer of ${topic}: starting kafka-reader (${binary}): ${errorMessage(error)}`);
  let child;
  try {
    child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw starting(error);
  }
  trackChild(child);
  if (child.pid !== undefined) countAsClient(child.pid);
  let closing = false;
  let failed = false;
  let stderr = '';
  let markReady: () => void = () => undefined;
  let markFailed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  let opened = false;
  // Before the consumer is open its failure is the open's; after, the workload's onError.
  const fail = (error: Error) => {
    if (failed || closing) return;
    failed = true;
    if (opened) options.onError(error);
    else markFailed(error);
    child.kill('SIGKILL');
  };
  const onFrame = (kind: ReaderFrameKind, body: Buffer) => {
    if (kind === 'm') {
      if (!closing && !failed) options.onMessage(body);
    } else if (kind === 'r') {
      markReady();
    } else if (kind === 'x') {
      fail(new Error(`Kafka consumer of ${topic} (kafka-reader): ${body.toString('utf8')}`));
    } else if (kind === 'u' && child.pid !== undefined) {
      const { user, system } = JSON.parse(body.toString('utf8')) as { user: number; system: number };
      helperExiting(child.pid, { cpuSeconds: user + system, systemCpuSeconds: system });
    }
    // 'e': an error librdkafka recovers from by itself (a broker connection retried), as the binding's consumer ignores.
  };
  const splitter = new ReaderFrameSplitter(onFrame);
  child.stdout.on('data', (chunk: Buffer) => {
    try {
      splitter.push(chunk);
    } catch (error) {
      fail(new Error(`Kafka consumer of ${topic}: ${errorMessage(error)}`));
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('close', (code, signal) => {
    if (!closing) fail(new Error(`Kafka consumer of ${topic}: kafka-reader ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
  });
  child.once('error', (error) => fail(starting(error)));
  // A write to a reader that already died fails here as well as on 'close'; the close reports it.
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${JSON.stringify({ topic, properties: { ...properties, 'group.id': options.group, 'auto.offset.reset': options.from === 'earliest' ? 'earliest' : 'latest' } })}\n`);
  try {
    await withTimeout(ready, READY_TIMEOUT_MS, `starting the consumer of ${topic} (kafka-reader)`);
    opened = true;
  } catch (error) {
    closing = true;
    child.kill('SIGKILL');
    throw error;
  }
  return {
    async close() {
      closing = true;
      // The end of its input tells the reader to commit, leave the group and exit.
      child.stdin.end();
      await withTimeout(closed, CLOSE_TIMEOUT_MS, `stopping the consumer of ${topic} (kafka-reader)`).catch(async () => {
        child.kill('SIGKILL');
        await closed;
      });
    },
  };
}
