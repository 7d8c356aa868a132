import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { runCli } from '../testing/cli.js';
import { decodeFrame, helloMismatch, workerHello } from './worker-protocol.js';
import { startWorkerServer } from './worker-server.js';

/** Opens a WebSocket; resolves with its first frame, or rejects with the HTTP status it was refused with. */
function firstFrame(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
    socket.on('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.on('error', reject);
    socket.on('message', (frame: Buffer) => {
      resolve(decodeFrame(frame));
      socket.terminate();
    });
  });
}

test('worker server: with a token, a connection without it or with another is refused (401); with it, the worker says hello', async (t) => {
  const server = await startWorkerServer({ host: '127.0.0.1', port: 0, token: 'secret' });
  t.after(() => server.close());
  await assert.rejects(firstFrame(server.url), /HTTP 401/);
  await assert.rejects(firstFrame(server.url, { authorization: 'Bearer wrong!' }), /HTTP 401/);
  const hello = (await firstFrame(server.url, { authorization: 'Bearer secret' })) as { type: string; mqbench: string };
  assert.equal(hello.type, 'worker-hello');
  assert.equal(helloMismatch(hello as never), undefined);
  const health = (await (await fetch(`${server.url.replace('ws://', 'http://')}/health`)).json()) as { mqbench: string };
  assert.equal(health.mqbench, hello.mqbench);
});

test('worker server: a non-loopback address needs a token', async () => {
  await assert.rejects(startWorkerServer({ host: '0.0.0.0', port: 0 }), /--listen 0\.0\.0\.0: a worker reachable from other machines needs a token/);
});

test('worker hello: another mqbench or Node major is refused with the reason', () => {
  assert.match(helloMismatch({ ...workerHello('h'), mqbench: '0.0.1' }) ?? '', /it runs mqbench 0\.0\.1, this coordinator /);
  assert.match(helloMismatch({ ...workerHello('h'), node: '18.0.0' }) ?? '', /it runs Node 18\.0\.0, .*V8's serialisation/);
});

test('mqbench worker: bad --listen or a public address without a token is exit 2 naming what is wrong', async () => {
  const env = { MQBENCH_WORKER_TOKEN: '', MQBENCH_WORKER_TOKEN_FILE: '' };
  const bad = await runCli(['worker', '--listen', 'here'], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--listen: "here" is not HOST:PORT/);
  const open = await runCli(['worker', '--listen', '0.0.0.0:0'], { env });
  assert.equal(open.code, 2);
  assert.match(open.stderr, /needs a token \(set MQBENCH_WORKER_TOKEN or MQBENCH_WORKER_TOKEN_FILE\)/);
  const file = await runCli(['worker', '--listen', '127.0.0.1:0'], { env: { ...env, MQBENCH_WORKER_TOKEN_FILE: '/nonexistent/token' } });
  assert.equal(file.code, 2);
  assert.match(file.stderr, /MQBENCH_WORKER_TOKEN_FILE: cannot read \/nonexistent\/token: ENOENT/);
  assert.doesNotMatch(bad.stderr + open.stderr + file.stderr, /\n\s+at /, 'no stack trace');
});
