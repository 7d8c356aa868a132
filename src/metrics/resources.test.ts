import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { procAvailable } from './proc.js';
import { SelfAndLoadClientsProbe, SelfProbe } from './resources.js';

test("the client probe counts its load clients' CPU, and keeps an exited one's", { skip: !procAvailable && 'skipped off Linux: the probe reads other processes\' CPU from /proc, which only Linux has' }, async () => {
  const probe = new SelfAndLoadClientsProbe();
  // A load client that burns CPU until it reads a line, then exits.
  const child = spawn(process.execPath, ['-e', 'let stop = false; process.stdin.once("data", () => (stop = true)); (function spin() { const end = Date.now() + 20; while (Date.now() < end); if (!stop) setImmediate(spin); else process.exit(0); })();'], { stdio: ['pipe', 'ignore', 'ignore'] });
  probe.add(child.pid!);
  const self = new SelfProbe();
  const deadline = Date.now() + 20_000;
  let reading = await probe.read();
  while (reading.cpuSeconds - (await self.read()).cpuSeconds < 0.2 && Date.now() < deadline) reading = await new Promise((resolve) => setTimeout(() => resolve(probe.read()), 50));
  const childCpu = reading.cpuSeconds - (await self.read()).cpuSeconds;
  assert.ok(childCpu >= 0.2, `the load client's CPU is counted (${childCpu} s beyond this process's)`);
  child.stdin!.write('stop\n');
  await once(child, 'exit');
  const after = await probe.read();
  assert.ok(after.cpuSeconds - (await self.read()).cpuSeconds >= childCpu - 0.05, 'an exited load client keeps the CPU it used');
  assert.match(probe.label, new RegExp(`pids ${child.pid}`));
});

test("the client probe counts a remote load client from its reports: CPU and memory while it runs, its CPU kept after it ended", async () => {
  const probe = new SelfAndLoadClientsProbe();
  const self = await new SelfProbe().read();
  const report = probe.addRemote();
  assert.equal(probe.remoteLoadClients, 1);
  report({ cpuSeconds: 50, rssBytes: 300e6 });
  const running = await probe.read();
  assert.ok(running.cpuSeconds >= self.cpuSeconds + 50 && running.cpuSeconds < self.cpuSeconds + 55, JSON.stringify(running));
  assert.ok(running.rssBytes >= 300e6, 'its memory counts while it runs');
  await probe.resetPeak();
  report({ cpuSeconds: 53, rssBytes: 900e6 });
  report({ cpuSeconds: 54, rssBytes: 400e6, ended: true });
  const ended = await probe.read();
  assert.ok(ended.cpuSeconds >= self.cpuSeconds + 54, 'its last CPU is kept');
  assert.ok(ended.rssBytes < 300e6, 'an ended client no longer counts for memory');
  const peak = await probe.peak();
  if (peak !== undefined) assert.ok(peak >= 900e6, `its highest report since the reset is in the peak: ${peak}`);
});
