/** What the perf-tool calibrations share: a scratch topic around the tool's run, the read-back, and the numbers tools print. */
import { redactSecrets } from '../util/redact.js';
import { errorMessage } from '../util/errors.js';
import type { LogDriver, ToolProbeSpec, ToolReadBackSpec, ToolReading } from './driver.js';

/** Creates `topic`, runs `work`, and deletes the topic whatever happened. */
export async function inScratchTopic<T>(driver: Pick<LogDriver, 'createTopic' | 'deleteTopic'>, topic: string, work: () => Promise<T>): Promise<T> {
  await driver.createTopic(topic);
  try {
    return await work();
  } finally {
    await driver.deleteTopic(topic).catch(() => undefined);
  }
}

/**
 * Runs the tool's producer, then, when the spec asks for the read side, its consumer over the backlog it names. A
 * read-back that fails is recorded beside the write reading (`readBackError`), which still stands.
 */
export async function writeThenRead(spec: ToolProbeSpec, write: () => Promise<ToolReading>, read: (backlog: ToolReadBackSpec) => Promise<ToolReading>): Promise<ToolReading> {
  const reading = await write();
  if (!spec.readBack || spec.signal.aborted) return reading;
  try {
    return { ...reading, readBack: await read(spec.readBack) };
  } catch (error) {
    return { ...reading, readBackError: errorMessage(error) };
  }
}

/** A reading of `messages` of `messageBytes` at `messagesPerSec`, with the seconds and MB/s that follow from them. */
export function toolReading(fields: Omit<ToolReading, 'seconds' | 'megabytesPerSec'>): ToolReading {
  // A command line may carry credentials (a server URL with a password): it goes into results, so it is redacted.
  return { ...fields, command: redactSecrets(fields.command), seconds: fields.messages / fields.messagesPerSec, megabytesPerSec: (fields.messagesPerSec * fields.messageBytes) / 1e6 };
}

/** A number printed with thousands separators ("126,052") or decimals. */
export function parseToolNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}
