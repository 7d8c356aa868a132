/** The target seam: a target type's settings, how each provider runs it, and how a worker connects to it. */
import type { z } from 'zod';
import type { TargetFaults } from '../faults/control.js';
import type { ContainerSpec } from '../provision/container-spec.js';
import type { Installer } from '../install/installer.js';
import type { LogDriver } from './driver.js';
import type { VectorStore } from './vector-store.js';

/** Providers as written in scenarios and flags: auto (docker if it answers, else local), or one by name. */
export const PROVIDER_CHOICES = ['auto', 'docker', 'local', 'external'] as const;

/** A provider name as written in scenarios and flags. */
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];

/** Concrete ways of running a target: in the harness process, a container, a local process, or an external endpoint. */
export type ProviderKind = 'embedded' | 'docker' | 'local' | 'external';

/** Whether a provider can run a target on this machine, and if not, why and how to fix it. */
export interface Availability {
  provider: ProviderKind;
  available: boolean;
  detail: string;
  fix?: string;
}

/** How the storage a broker holds is measured (serialisable, so a worker can measure it). */
export type StorageSpec = { kind: 'directories'; paths: string[] } | { kind: 'none'; reason: string };

/** How the broker's CPU and memory are sampled (serialisable). Absent for embedded targets: the worker is the broker. */
export type BrokerProcessSpec = { kind: 'process-tree'; pid: number; label: string } | { kind: 'docker-container'; id: string; label: string };

/** A provisioned target: serialisable connection details plus what it takes to stop it. */
export interface TargetInstance {
  provider: ProviderKind;
  /** Connection details handed to workers, e.g. { servers: "nats://127.0.0.1:4222" } or { dataDir }. */
  endpoint: Record<string, unknown>;
  broker?: BrokerProcessSpec;
  storage: StorageSpec;
  /** Facts about the running broker for the manifest: binary version, image digest, config file. */
  info: Record<string, unknown>;
  /** Stops whatever was started and removes what was created; idempotent. */
  stop(): Promise<void>;
  /** Why the broker is no longer usable (e.g. its process exited), or undefined while it is. */
  failure?(): string | undefined;
  /** What faults can act on (the durability workload): absent where nothing can be killed, paused or cut off. */
  faults?: TargetFaults;
}

/** What a provisioner gets. */
export interface ProvisionContext {
  /** The target's name in the scenario. */
  name: string;
  /** A directory owned by this run for the target's data and config; removed when the run ends. */
  dir: string;
  /** A directory for the target's logs; kept with the results. */
  logDir: string;
  settings: unknown;
  signal: AbortSignal;
}

/** What connect() gets: the run-wide number of the trial (for per-trial scratch names). */
export interface ConnectContext {
  trialIndex: number;
}

/**
 * An environment variable a target type reads. `setting` (a dotted path into its settings) makes it an endpoint the
 * variable fills in for the external provider where the scenario leaves it unset; `secret` ones (credentials) are read
 * where they are used and never recorded; `install` ones point at installed brokers and tools.
 */
export interface TargetVariable {
  name: string;
  kind: 'setting' | 'secret' | 'install';
  setting?: string;
  description: string;
}

/** A target type (rocksmq, nats, ...): settings schema, availability per provider, provisioning, connecting. */
export interface TargetDefinition<Settings = unknown> {
  type: string;
  title: string;
  /**
   * Embedded targets run inside the worker process (their CPU and memory are reported as broker+client); server
   * targets are started by a provider. A function when the settings decide (the WAL on local disk vs on S3).
   */
  kind: TargetKind | ((settings: Settings) => TargetKind);
  settingsSchema: z.ZodType<Settings>;
  /** What the local provider needs installed (absent for embedded targets). */
  installer?: Installer;
  /** The workload types the target can run (all when absent). */
  workloads?: readonly string[];
  /**
   * Whether drivers in several processes can write to one instance at once (network clients of one broker), so a
   * stream can run its producers in load clients (`clients: N`). Not for engines that live in the trial's process.
   */
  multiProcessClients?: boolean;
  /** The environment variables it reads (docs/cli.md lists them all, from this and the scenario's own). */
  environment?: readonly TargetVariable[];
  /** Whether each provider can run this target here. */
  availability(settings?: Settings): Promise<Availability[]>;
  /** Starts (or locates) the target with the chosen provider. */
  provision(provider: ProviderKind, context: ProvisionContext): Promise<TargetInstance>;
  /**
   * The container the docker provider runs for `settings`, on the broker's usual ports: docker-compose.yml is made of
   * these (with the default settings). Absent where nothing runs in a container.
   */
  container?(settings: Settings): ContainerSpec;
  /** Connects a driver to a provisioned target (runs in the worker). */
  connect(endpoint: Record<string, unknown>, settings: Settings, context: ConnectContext): Promise<LogDriver | VectorStore>;
}

/** Whether a target runs in the worker process or as a server. */
export type TargetKind = 'embedded' | 'server';

/** The kind of `definition` with `settings`. */
export function kindOf(definition: TargetDefinition, settings: unknown): TargetKind {
  return typeof definition.kind === 'function' ? definition.kind(settings) : definition.kind;
}

/** Picks the provider for a target: embedded targets are always embedded; `auto` becomes docker or local. */
export function resolveProvider(kind: TargetKind, choice: ProviderChoice, dockerAvailable: boolean): ProviderKind {
  if (kind === 'embedded') return 'embedded';
  if (choice === 'auto') return dockerAvailable ? 'docker' : 'local';
  return choice;
}
