import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerRequest } from '../util/docker-api.js';
import { waitUntil } from './readiness.js';
import { dockerdPath } from './private-docker-engine.js';
import { processAlive as alive } from './local-process.js';

/** A process that starts a private engine, prints its pid and host, and waits to be killed. */
const STARTER = `
import { startPrivateDockerEngine } from ${JSON.stringify(new URL('./private-docker-engine.ts', import.meta.url).href)};
const engine = await startPrivateDockerEngine(process.argv[1]);
console.log(JSON.stringify({ pid: engine.pid, host: engine.host }));
setInterval(() => undefined, 1000);
`;

test('a private Docker engine stops, with nothing left mounted, when the process that started it is killed with SIGKILL', async (t) => {
  assert.ok(dockerdPath(), "dockerd is not installed: npm run setup installs Debian's docker.io");
  const directory = await mkdtemp(join(tmpdir(), 'mqd-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const starter = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', STARTER, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    starter.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    starter.once('exit', (code) => reject(new Error(`the starter exited (${code}) before the engine answered`)));
  });
  const { pid, host } = JSON.parse(line) as { pid: number; host: string };
  assert.equal((await dockerRequest(host, 'GET', '/_ping')).status, 200);
  starter.kill('SIGKILL');
  assert.ok(await waitUntil(async () => !alive(pid), 40_000, 200), `dockerd (pid ${pid}) still runs after its starter was killed`);
  assert.ok(
    await waitUntil(async () => !(await readFile('/proc/self/mountinfo', 'utf8')).includes(directory), 10_000, 200),
    `something is still mounted under ${directory}`,
  );
  await rm(directory, { recursive: true });
});

test('stop() returns once the engine and its reaper are done: nothing left running or mounted, the folder removable', async (t) => {
  const { startPrivateDockerEngine } = await import('./private-docker-engine.js');
  const directory = await mkdtemp(join(tmpdir(), 'mqd-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const engine = await startPrivateDockerEngine(directory);
  await engine.stop();
  assert.equal(alive(engine.pid), false, 'dockerd still runs');
  assert.equal((await readFile('/proc/self/mountinfo', 'utf8')).includes(directory), false, 'something is still mounted');
  // The reaper was let go and has finished: its log is complete, and nothing writes into the folder any more.
  await rm(directory, { recursive: true });
});
