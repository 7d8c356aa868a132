/** Provisioning one target for a run: choose the provider, check it can run here, start it, report clearly if not. */
import { mkdir } from 'node:fs/promises';
import type { RunListener } from './events.js';
import type { ResolvedTarget } from '../scenario/load.js';
import { findTarget } from '../targets/registry.js';
import { kindOf, resolveProvider, type ProviderKind, type TargetInstance } from '../targets/target.js';
import { errorMessage } from '../util/errors.js';
import { dockerEngine } from '../provision/docker-engine.js';

/** A started target, or why it could not be started. */
export type ProvisionedTarget =
  | { ok: true; provider: ProviderKind; instance: TargetInstance }
  | { ok: false; provider: ProviderKind | 'unknown'; error: string };

/** Where a provisioner may write: `dir` (data, config; removed after the run) and `logDir` (kept with the results). */
export interface ProvisionDirs {
  dir: string;
  logDir: string;
}

/** Starts `target` with its provider; never throws — failures come back as { ok: false, error }. */
export async function provisionTarget(
  target: ResolvedTarget,
  dirs: ProvisionDirs,
  signal: AbortSignal,
  emit: RunListener,
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
    const instance = await definition.provision(provider, { name: target.name, ...dirs, settings: target.settings, signal });
    emit({ type: 'provision-end', target: target.name, ok: true, info: instance.info });
    return { ok: true, provider, instance };
  } catch (error) {
    const message = errorMessage(error);
    emit({ type: 'provision-end', target: target.name, ok: false, error: message });
    return { ok: false, provider, error: message };
  }
}
