/** What the perf-tool calibrations share: a scratch topic around the tool's run, and the numbers tools print. */
import type { LogDriver } from './driver.js';

/** Creates `topic`, runs `work`, and deletes the topic whatever happened. */
export async function inScratchTopic<T>(driver: Pick<LogDriver, 'createTopic' | 'deleteTopic'>, topic: string, work: () => Promise<T>): Promise<T> {
  await driver.createTopic(topic);
  try {
    return await work();
  } finally {
    await driver.deleteTopic(topic).catch(() => undefined);
  }
}

/** A number printed with thousands separators ("126,052") or decimals. */
export function parseToolNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}
