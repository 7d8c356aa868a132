/** A bench's broker: one started by mqbench's local provider in a temporary directory, stopped and removed after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetDefinition, TargetInstance } from '../src/targets/target.js';

/** Starts `target` locally with `settings`, runs `use` against it, then stops it and removes its files, whatever happened. */
export async function withLocalBroker<Settings>(target: TargetDefinition<Settings>, settings: Settings, use: (broker: TargetInstance) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `mqbench-bench-${target.type}-`));
  try {
    const broker = await target.provision('local', { name: target.type, dir, logDir: dir, settings, signal: new AbortController().signal });
    try {
      await use(broker);
    } finally {
      await broker.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
