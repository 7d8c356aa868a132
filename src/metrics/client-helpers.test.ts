import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { countAsClient, helperExiting, onClientHelper } from './client-helpers.js';
import { SelfAndLoadClientsProbe } from './resources.js';

test("a client helper's CPU counts as the client's while it runs and after it exits, and only while listened for", async () => {
  const probe = new SelfAndLoadClientsProbe();
  const stop = onClientHelper({ started: (pid) => probe.addHelper(pid), exiting: (pid, usage) => probe.helperExiting(pid, usage) });
  const before = await probe.read();
  // A helper that burns about 0.3 s of CPU, then waits to be ended.
  const helper = spawn(process.execPath, ['-e', "while (process.cpuUsage().user < 300000); console.log('done'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
  countAsClient(helper.pid!);
  stop();
  countAsClient(process.pid + 1_000_000);
  await new Promise((resolve) => helper.stdout.once('data', resolve));
  const running = await probe.read();
  helper.kill('SIGKILL');
  await new Promise((resolve) => helper.once('exit', resolve));
  const after = await probe.read();
  assert.equal(probe.clientHelpers, 1, 'only the helper started while listened for');
  assert.match(probe.label, /and 1 helper process of the client/);
  assert.ok(running.cpuSeconds - before.cpuSeconds >= 0.2, `the helper's CPU is counted: ${running.cpuSeconds - before.cpuSeconds} s`);
  assert.ok(after.cpuSeconds >= running.cpuSeconds, 'an exited helper keeps the CPU it used');
  assert.ok((await probe.peak()) !== undefined, 'an exited helper does not make the peak unknown');
  assert.equal(await probe.resetPeak(), true);
});

test('a helper that reports its CPU on its way out is counted in full, though it exited between two reads', async () => {
  const probe = new SelfAndLoadClientsProbe();
  const stop = onClientHelper({ started: (pid) => probe.addHelper(pid), exiting: (pid, usage) => probe.helperExiting(pid, usage) });
  const before = await probe.read();
  const pid = process.pid + 1_000_000; // never read: gone before the probe looked
  countAsClient(pid);
  helperExiting(pid, { cpuSeconds: 2.5, systemCpuSeconds: 0.5 });
  stop();
  const after = await probe.read();
  // Sums of seconds in floating point: allow for the last bit.
  assert.ok(after.cpuSeconds - before.cpuSeconds >= 2.5 - 1e-9, `${after.cpuSeconds - before.cpuSeconds}`);
  assert.ok((after.systemCpuSeconds ?? 0) - (before.systemCpuSeconds ?? 0) >= 0.5 - 1e-9, `${(after.systemCpuSeconds ?? 0) - (before.systemCpuSeconds ?? 0)}`);
  helperExiting(pid + 1, { cpuSeconds: 100, systemCpuSeconds: 0 });
  assert.ok((await probe.read()).cpuSeconds - after.cpuSeconds < 50, 'a process it never counted is not added');
});
