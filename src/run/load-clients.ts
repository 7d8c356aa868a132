/**
 * Load clients as child processes of the trial's worker (`clients: N`): each is forked, connects its own driver to
 * the trial's target, and talks to the workload over IPC. Every one is tracked so it never outlives mqbench, and
 * its pid is handed to the trial's client resource probe.
 */
import type { ChildProcess, Serializable } from 'node:child_process';
import { tail } from '../install/exec.js';
import { MessageQueue } from '../util/message-queue.js';
import { isUsageReport, type LoadClientChannel } from '../workloads/load-client.js';
import { forkHarnessProcess } from './harness-fork.js';

/** The first message to a load client: which target to connect to. */
export interface LoadClientConnect {
  type: 'connect';
  target: { type: string; settings: unknown };
  endpoint: Record<string, unknown>;
  trialIndex: number;
}

/** What a load client sends when it could not connect or run its role. */
export interface LoadClientFailure {
  type: 'error';
  message: string;
}

const EXIT_WAIT_MS = 10_000;

/** Forks `count` load clients connected to the target in `connect`; `onSpawn` gets each pid. */
export function spawnLoadClients(count: number, connect: Omit<LoadClientConnect, 'type'>, onSpawn: (pid: number) => void): LoadClientChannel[] {
  return Array.from({ length: count }, (_, index) => {
    const child = forkLoadClient();
    if (child.pid !== undefined) onSpawn(child.pid);
    const channel = new ProcessChannel(child, `load client ${index + 1} of ${count} (pid ${child.pid})`);
    channel.send({ type: 'connect', ...connect } satisfies LoadClientConnect);
    return channel;
  });
}

/** Forks one load-client process (load-client-process.ts), tracked so that it never outlives this process. */
export function forkLoadClient(): ChildProcess {
  return forkHarnessProcess('load-client-process.ts');
}

/** The channel to one forked load client: its IPC messages, its exit (with its stderr's tail) as the end. */
class ProcessChannel implements LoadClientChannel {
  private readonly inbox = new MessageQueue<unknown>();
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8192);
      process.stderr.write(chunk);
    });
    child.on('message', (message: unknown) => {
      // A forked client is read by its pid: its own usage reports are for remote ones.
      if (isUsageReport(message)) return;
      const failure = message as Partial<LoadClientFailure>;
      if (failure.type === 'error') this.inbox.end(new Error(`${label}: ${failure.message}`));
      else this.inbox.push(message);
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        this.inbox.end(new Error(`${label} exited (${how})${this.stderr ? `:\n${tail(this.stderr, 10)}` : ''}`));
        resolve();
      }),
    );
  }

  send(message: unknown): void {
    if (this.child.connected) this.child.send(message as Serializable);
  }

  next(timeoutMs?: number): Promise<unknown> {
    return this.inbox.next(timeoutMs, `message from ${this.label}`);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const exited = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, EXIT_WAIT_MS, false).unref())]);
    if (!exited) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
