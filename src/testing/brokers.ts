/** Test helpers for integration tests against real brokers started by mqbench's own provisioner. */
import assert from 'node:assert/strict';
import { addDelivery, emptyDelivery } from '../metrics/delivery-counts.js';
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import type { CaseResult, ResultFile } from '../results/result-file.js';
import type { ProviderChoice } from '../scenario/schema.js';
import { tinyRun } from './tiny-run.js';
import { findTarget } from '../targets/registry.js';

/** Fails (never skips) when a broker is not installed, naming the install command. */
export async function requireInstalled(type: string): Promise<void> {
  const status = await findTarget(type)!.installer!.status();
  assert.ok(status.installed, `${type} is not installed (${status.detail}): run "${status.fix}" — npm run setup installs every broker`);
}

/** Asserts a case passed with every message delivered intact and, where the broker is `separate`, broker figures. */
export function assertVerifiedCase(entry: CaseResult | undefined, messages: number, scope: 'separate' | 'client-only' | 'shared' = 'separate'): void {
  assert.ok(entry, 'case present');
  assert.equal(entry.status, 'passed', `${entry.id}: ${entry.error ?? entry.failures.join('; ')}`);
  const summary = entry.summary!;
  // Every message of the trials, the warm-up's included (the summary keeps the two apart).
  const everything = addDelivery(summary.delivery, summary.warmupDelivery ?? emptyDelivery());
  assert.deepEqual(everything, { published: messages, acknowledged: messages, delivered: messages, lost: 0, duplicated: 0, outOfOrder: 0, corrupt: 0 });
  assert.equal(summary.resourceScope, scope);
  if (scope !== 'separate') return;
  assert.ok((summary.cpuSeconds.broker ?? 0) > 0, 'broker CPU measured');
  assert.ok((summary.peakRssBytes.broker ?? 0) > 0, 'broker RSS measured');
  assert.ok((summary.storageBytes ?? 0) > 0, "broker storage measured");
}

/** Pids of live processes whose command line mentions `text` (e.g. the run's directory). */
export async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(name));
  }
  return pids;
}

/** Pids of live processes whose environment holds `entry` (e.g. "MARK=unique"): everything a process started. */
export async function processesWithEnvironment(entry: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const environ = await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(entry)) pids.push(Number(name));
  }
  return pids;
}

/**
 * The listening TCP sockets of process `pid` ("127.0.0.1:4222", "0.0.0.0:3181", "[::]:80"), from /proc: its socket
 * inodes matched against /proc/net/tcp and tcp6 rows in state LISTEN.
 */
export async function listeningSockets(pid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const sockets: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9]!)) continue;
      const [hexAddress, hexPort] = fields[1]!.split(':');
      sockets.push(`${table === 'tcp' ? ipv4(hexAddress!) : `[${hexAddress === '00000000000000000000000000000000' ? '::' : hexAddress}]`}:${parseInt(hexPort!, 16)}`);
    }
  }
  return sockets.sort();
}

function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((index) => parseInt(hex.slice(index * 2, index * 2 + 2), 16)).join('.');
}

/** A scenario text for `targets` (YAML list items) with a matrix of points. */
export function brokerScenario(targets: string, points: string, extra = ''): string {
  return `
name: integration
targets:
${targets}
workload: { type: pubsub, operations: 2, timeout: 30s }
warmup: { operations: 1 }
sampling: { interval: 100ms }
matrix:
  include:
${points}
${extra}`;
}

/** The case of `target` at `label`. */
export function caseOf(result: ResultFile, target: string, label: string): CaseResult | undefined {
  return result.cases.find((entry) => entry.target === target && entry.label === label);
}

/**
 * Runs `scenario` and kills the broker process with SIGKILL once the measured phase has delivered `afterMessages`
 * messages; returns the result and whether the kill happened.
 */
export async function runAndKillBroker(t: TestContext, scenario: string, afterMessages: number, provider: ProviderChoice = 'local'): Promise<{ result: ResultFile; outDir: string; killed: boolean }> {
  let pid = 0;
  let killed = false;
  const { result, outDir } = await tinyRun(t, scenario, {
    load: { provider },
    onEvent(event) {
      if (event.type === 'provision-end' && event.info) pid = Number(event.info.pid);
      // Measured progress always reports each operation's end, so the kill cannot miss a run that gets this far.
      if (event.type === 'trial-progress' && event.progress.phase === 'measured' && event.progress.done >= afterMessages && !killed) {
        assert.ok(pid > 0, 'the broker reported no pid');
        killed = true;
        process.kill(pid, 'SIGKILL');
      }
    },
  });
  // When the kill never came, say what the run did instead (e.g. a trial that errored before reaching the threshold).
  assert.ok(killed, `the broker was never killed: ${result.cases.map((entry) => `${entry.id} ${entry.status}${entry.error ? ` (${entry.error})` : ''}`).join('; ')}`);
  return { result, outDir, killed };
}
