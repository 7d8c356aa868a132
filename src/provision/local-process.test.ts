import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TOOL_ROOT } from '../util/tool-root.js';
import { tempDir } from '../testing/temp-dir.js';
import { processAlive as alive, startLocalProcess } from './local-process.js';

/** Live processes of process group `pgid` (field 5 of /proc/<pid>/stat), zombies excluded. */
async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(name));
  }
  return members;
}

/** Polls until group `pgid` is empty, at most `ms`; returns its members left. */
async function groupAfter(pgid: number, ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let members = await groupMembers(pgid);
  while (members.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    members = await groupMembers(pgid);
  }
  return members;
}

/** Polls until every pid is gone, at most `ms`; returns the ones still alive. */
async function survivorsAfter(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  return pids.filter(alive);
}

/** Starts a stand-in mqbench that starts `command`; resolves with both pids once the broker runs. */
function standIn(logFile: string, command: string[]): Promise<{ parent: number; broker: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(TOOL_ROOT, 'src/testing/broker-parent.ts'), logFile, ...command], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /pid (\d+)/.exec(out);
      if (match) resolve({ parent: child.pid!, broker: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`stand-in exited (${code}) before the broker ran`)));
  });
}

const brokers: Array<[string, (dir: string) => Promise<string[]>]> = [
  ['a native binary', async () => ['sleep', '600']],
  [
    'a shell-wrapped broker whose script does not exec (its child too)',
    async (dir) => {
      const script = join(dir, 'broker.sh');
      await writeFile(script, '#!/bin/sh\nsleep 601 &\nwait\n', { mode: 0o755 });
      return [script];
    },
  ],
  [
    'a JVM',
    async (dir) => {
      const source = join(dir, 'Broker.java');
      await writeFile(source, 'public class Broker { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }\n');
      return ['java', '-Xmx32m', source];
    },
  ],
];

for (const [kind, command] of brokers) {
  test(`a broker dies with mqbench when mqbench is killed with SIGKILL: ${kind}`, async (t) => {
    const dir = await tempDir(t, 'mqbench-supervise-');
    const { parent, broker } = await standIn(join(dir, 'broker.log'), await command(dir));
    t.after(() => {
      for (const pid of [parent, broker]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    });
    // The watcher starts a moment after the broker (had mqbench died meanwhile, it would find the pipe ended).
    let group = await groupMembers(broker);
    for (const until = Date.now() + 10_000; group.length < 2 && Date.now() < until; group = await groupMembers(broker)) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(alive(broker) && group.length >= 2, `the broker runs, with its watcher (group ${group.join(', ')})`);
    process.kill(parent, 'SIGKILL');
    assert.deepEqual(await survivorsAfter([broker], 15_000), [], 'the broker is gone');
    assert.deepEqual(await groupAfter(broker, 5_000), [], 'nothing in its process group is left');
  });
}

test('a graceful stop leaves nothing behind, the watcher included; a missing command is named', async (t) => {
  const dir = await tempDir(t, 'mqbench-supervise-');
  const started = await startLocalProcess({ name: 'sleeper', command: 'sleep', args: ['602'], logFile: join(dir, 'sleeper.log'), ready: async () => true, readyTimeoutMs: 10_000 });
  assert.ok(alive(started.pid));
  await started.stop(5_000);
  assert.equal(started.exitDescription(), 'killed by SIGTERM');
  assert.deepEqual(await groupAfter(started.pid, 10_000), [], 'the watcher ends with the broker');
  await assert.rejects(
    startLocalProcess({ name: 'ghost', command: join(dir, 'no-such-broker'), args: [], logFile: join(dir, 'ghost.log'), ready: async () => false, readyTimeoutMs: 10_000 }),
    /ghost: .*no-such-broker not found/,
  );
});
