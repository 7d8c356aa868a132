/**
 * Whether rocksmq's raw calibration on LevelDB (classic-level) depends on what ran before it in the process (it did, 2–3×, while
 * it passed an options object per batch: docs/calibration.md).
 * `npm run bench:raw-level-after -- <mode>` runs the calibration's raw probe (100,000 puts of 1 KiB from 256 writers)
 * in a fresh process, after `mode`: none; level (the same puts into another store first); engine-write (100,000
 * produces through the rocksmq engine, its store left open); engine (those produces and their read-back, the store
 * closed). Run the modes alternately: the machine is noisy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { RocksMQ } from '../src/engines/rocksmq/broker.js';
import { defaultRocksMQOptions } from '../src/engines/rocksmq/options.js';
import { probeRawLevel } from '../src/targets/rocksmq/raw-level.js';

const MESSAGES = 100_000;
const WRITERS = 256;
const mode = process.argv[2] ?? 'none';
if (!['none', 'level', 'engine-write', 'engine'].includes(mode)) throw new Error(`unknown mode ${mode}: none, level, engine-write or engine`);
const dir = await mkdtemp(join(tmpdir(), 'mqbench-raw-after-'));
const payload = Buffer.alloc(1024, 7);

/** Runs `write` from WRITERS concurrent writers until MESSAGES were written. */
async function concurrently(write: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    while (next < MESSAGES) await write(next++);
  }));
}

let engine: RocksMQ | undefined;
if (mode === 'level') {
  const db = new ClassicLevel<Buffer, Buffer>(join(dir, 'other'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  await concurrently((index) => db.put(Buffer.from(index.toString(16).padStart(8, '0')), payload));
  await db.close();
} else if (mode.startsWith('engine')) {
  engine = await RocksMQ.open(join(dir, 'engine'), { store: 'leveldb' });
  await engine.createTopic('t');
  await engine.subscribe('t', 'g', 'earliest');
  await concurrently(() => engine!.produce('t', [{ payload }]));
  if (mode === 'engine') {
    for (let read = 0; read < MESSAGES; ) read += (await engine.consume('t', 'g', 2000)).length;
    await engine.close();
    engine = undefined;
  }
}
try {
  const reading = await probeRawLevel(
    { messageBytes: payload.length, messages: MESSAGES, concurrency: WRITERS, producers: 1, timeoutMs: 120_000, topic: 'raw', signal: new AbortController().signal },
    join(dir, 'raw'),
    defaultRocksMQOptions,
    'leveldb',
  );
  console.log(`after ${mode}: raw classic-level ${Math.round(reading.messagesPerSec)} msg/s`);
} finally {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
}
