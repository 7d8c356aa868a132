/** Provisioning one target for a run: choose the provider, check it can run here, start it, report clearly if not. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunListener } from './events.js';
import type { ResolvedTarget } from '../scenario/load.js';
import { findTarget } from '../targets/registry.js';
import { kindOf, resolveProvider, type ProviderKind, type TargetInstance } from '../targets/target.js';
import { errorMessage } from '../util/errors.js';
import { dockerEngine } from '../provision/docker-engine.js';
import { lazyFsUnavailable, mountLazyFs, type LazyMount } from '../provision/lazy-fs.js';

/** A started target, or why it could not be started. */
export type ProvisionedTarget =
  | { ok: true; provider: ProviderKind; instance: TargetInstance }
  | { ok: false; provider: ProviderKind | 'unknown'; error: string };

/** Where a provisioner may write: `dir` (data, config; removed after the run) and `logDir` (kept with the results). */
export interface ProvisionDirs {
  dir: string;
  logDir: string;
}

/**
 * Starts `target` with its provider; never throws — failures come back as { ok: false, error }. With `lazyFs` (a case
 * will cut its power), the target's directory is a lazyfs mount, synced once the target is up (what it wrote while
 * starting counts as on disk), and unmounted when it stops; where lazyfs cannot run, the target starts without it
 * and says why, so only the power-loss faults error.
 */
export async function provisionTarget(
  target: ResolvedTarget,
  dirs: ProvisionDirs,
  signal: AbortSignal,
  emit: RunListener,
  options: { lazyFs?: boolean } = {},
): Promise<ProvisionedTarget> {
  const definition = findTarget(target.type);
  if (!definition) return { ok: false, provider: 'unknown', error: `unknown target type ${target.type}` };
  const kind = kindOf(definition, target.settings);
  const docker = target.provider === 'auto' && kind === 'server' ? (await dockerEngine()).available : false;
  const provider = resolveProvider(kind, target.provider, docker);
  emit({ type: 'provision-start', target: target.name, provider });
  try {
    const availability = (await definition.availability(target.settings)).find((entry) => entry.provider === provider);
    if (!availability) throw new Error(`${target.type} cannot run with the ${provider} provider`);
    if (!availability.available) throw new Error(`${availability.detail}${availability.fix ? `; fix: ${availability.fix}` : ''}`);
    await mkdir(dirs.dir, { recursive: true });
    await mkdir(dirs.logDir, { recursive: true });
    const disk = options.lazyFs ? await lazyDisk(target.name, dirs) : undefined;
    const instance = await definition
      .provision(provider, { name: target.name, ...dirs, settings: target.settings, signal })
      .catch(async (error: unknown) => {
        await disk?.mount?.unmount();
        throw error;
      });
    if (disk) await onLazyDisk(instance, disk);
    emit({ type: 'provision-end', target: target.name, ok: true, info: instance.info });
    return { ok: true, provider, instance };
  } catch (error) {
    const message = errorMessage(error);
    emit({ type: 'provision-end', target: target.name, ok: false, error: message });
    return { ok: false, provider, error: message };
  }
}

/** The target's directory as a lazyfs mount (its backing beside it), or why it cannot be one. */
async function lazyDisk(name: string, dirs: ProvisionDirs): Promise<{ mount?: LazyMount; unavailable?: string }> {
  const unavailable = lazyFsUnavailable();
  if (unavailable) return { unavailable };
  try {
    return { mount: await mountLazyFs({ backing: `${dirs.dir}.disk`, mountPoint: dirs.dir, logFile: join(dirs.logDir, `${name}-lazyfs.log`), names: 'journal' }) };
  } catch (error) {
    return { unavailable: errorMessage(error) };
  }
}

/** Hands the mount to the target's faults, syncs what it wrote while starting, and unmounts it after the target stops. */
async function onLazyDisk(instance: TargetInstance, disk: { mount?: LazyMount; unavailable?: string }): Promise<void> {
  const { mount } = disk;
  instance.faults = { ...instance.faults, ...(mount ? { disk: mount } : { diskUnavailable: disk.unavailable }) };
  if (!mount) return;
  await mount.sync();
  const stop = instance.stop.bind(instance);
  instance.stop = async () => {
    await stop();
    await mount.unmount();
  };
  instance.info = { ...instance.info, lazyfs: `${mount.mountPoint} on ${mount.backing} (names: journal)` };
}
