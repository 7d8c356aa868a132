/**
 * The rocksmq engine's calibration: raw classic-level (LevelDB) writes of the trial's message size, one put per
 * message as the engine's produce() makes one write per call, from as many concurrent writers as the trial had sends
 * in flight, into a fresh store opened with the engine's own LevelDB options. LevelDB groups concurrent writers
 * itself, so this is what the engine could reach if it added nothing.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import type { ResolvedRocksMQOptions } from '../../engines/rocksmq/options.js';
import { packageVersion } from '../../util/package-version.js';
import type { ToolProbeSpec, ToolReading } from '../driver.js';

/** Writes `spec.messages` messages into a scratch store at `directory` (removed after) and returns the rate. */
export async function probeRawLevel(spec: ToolProbeSpec, directory: string, options: ResolvedRocksMQOptions): Promise<ToolReading> {
  const db = new ClassicLevel<Buffer, Buffer>(directory, {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
    compression: options.compression,
    writeBufferSize: options.writeBufferSize,
    maxFileSize: options.maxFileSize,
    cacheSize: options.cacheSize,
  });
  await db.open();
  const value = randomBytes(spec.messageBytes);
  const warmup = Math.floor(spec.messages / 5);
  let next = 0;
  let startedAt = 0;
  try {
    const writers = Array.from({ length: spec.concurrency }, async () => {
      for (let id = next++; id < spec.messages && !spec.signal.aborted; id = next++) {
        const key = Buffer.allocUnsafe(8);
        key.writeBigUInt64BE(BigInt(id));
        await db.batch([{ type: 'put', key, value }], { sync: options.sync });
        if (id === warmup) startedAt = performance.now();
      }
    });
    await Promise.all(writers);
    const seconds = (performance.now() - startedAt) / 1000;
    const measured = spec.messages - warmup;
    const messagesPerSec = measured / seconds;
    return {
      tool: `raw classic-level ${packageVersion('classic-level')} writes`,
      command: `${spec.concurrency} concurrent writers, one batch of one put per message (${spec.messageBytes} bytes), ${spec.messages} messages`,
      settings: { writers: spec.concurrency, putsPerWrite: 1, sync: options.sync, compression: options.compression, warmupMessages: warmup },
      messages: measured,
      messageBytes: spec.messageBytes,
      seconds,
      messagesPerSec,
      megabytesPerSec: (messagesPerSec * spec.messageBytes) / 1e6,
    };
  } finally {
    await db.close();
    await rm(directory, { recursive: true, force: true });
  }
}
