/** What the perf-tool calibrations share: a scratch topic around the tool's run, the read-back, and the numbers tools print. */
import { redactSecrets } from '../util/redact.js';
import { errorMessage } from '../util/errors.js';
import type { LogDriver, SettingValue, ToolProbeSpec, ToolReadBackSpec, ToolReading } from './driver.js';
import { describeSettle } from '../util/page-cache.js';

/** Creates `topic`, runs `work`, and deletes the topic whatever happened. */
export async function inScratchTopic<T>(driver: Pick<LogDriver, 'createTopic' | 'deleteTopic'>, topic: string, work: () => Promise<T>): Promise<T> {
  await driver.createTopic(topic);
  try {
    return await work();
  } finally {
    await driver.deleteTopic(topic).catch(() => undefined);
  }
}

/** A perf tool as the calibration drives it: its producer for a number of messages, and its consumer. */
export interface PerfTool {
  write(messages: number): Promise<ToolReading>;
  read(backlog: ToolReadBackSpec): Promise<ToolReading>;
  /**
   * `trial` (default): the consumer reads the trial's own backlog, so it runs first, and the trial's topic is then
   * dropped to free its space before the tool writes. `own`: it reads what the tool wrote (a store of its own, e.g.
   * raw LevelDB beside the engine), so it runs after the writes, and the trial's store is left alone.
   */
  reads?: 'trial' | 'own';
}

/**
 * The tool's run in the same conditions as the trial's measured window: its consumer reads the trial's backlog
 * (while the trial's data is as the trial's consumer found it), the trial's topic is dropped, the tool sends the
 * trial's warm-up count unmeasured, the page cache is settled, and then its measured writes run. What was done goes
 * into the reading's settings. A read-back that fails is recorded beside the write reading (`readBackError`), which
 * still stands.
 */
export async function calibrate(spec: ToolProbeSpec, tool: PerfTool): Promise<ToolReading> {
  const readsTrial = (tool.reads ?? 'trial') === 'trial';
  const readBack = async (): Promise<Pick<ToolReading, 'readBack' | 'readBackError'>> => {
    if (!spec.readBack || spec.signal.aborted) return {};
    return tool.read(spec.readBack).then(
      (reading) => ({ readBack: reading }),
      (error: unknown) => ({ readBackError: errorMessage(error) }),
    );
  };
  const before = readsTrial ? await readBack() : {};
  const dropped = readsTrial && spec.dropTrialTopic ? await spec.dropTrialTopic().then(() => true, () => false) : false;
  if (spec.warmupMessages && readsTrial) await tool.write(spec.warmupMessages);
  const settled = spec.settle ? await spec.settle() : undefined;
  const reading = await tool.write(spec.messages);
  const after = readsTrial ? {} : await readBack();
  const conditions: Record<string, SettingValue> = {
    ...(readsTrial && spec.warmupMessages ? { warmupMessages: spec.warmupMessages } : {}),
    ...(readsTrial ? { trialTopicDropped: dropped } : {}),
    ...(settled ? { pageCacheBeforeWrites: describeSettle(settled) } : {}),
  };
  return { ...reading, settings: { ...reading.settings, ...conditions }, ...before, ...after };
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
