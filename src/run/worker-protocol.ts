/**
 * The wire between a coordinator and `mqbench worker`: one WebSocket per load client, each frame one message of the
 * load-client protocol in V8's serialisation (the structured clone that child-process IPC uses, so a remote client
 * gets exactly what a local one does). The worker speaks first (hello: its versions), and last when its load client
 * exits (exit: how, with the tail of its stderr). The token is a shared secret sent as a bearer header.
 */
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { mqbenchVersion } from '../util/package-version.js';

/** The worker's first message on a connection. */
export interface WorkerHello {
  type: 'worker-hello';
  mqbench: string;
  node: string;
  host: string;
}

/** The worker's last message when its load client exited. */
export interface WorkerExit {
  type: 'worker-exit';
  how: string;
  stderr: string;
}

/** Encodes a message for the wire. */
export function encodeFrame(message: unknown): Buffer {
  return serialize(message);
}

/** Decodes a frame from the wire. */
export function decodeFrame(frame: Buffer): unknown {
  return deserialize(frame);
}

/** This process's hello. */
export function workerHello(host: string): WorkerHello {
  return { type: 'worker-hello', mqbench: mqbenchVersion(), node: process.versions.node, host };
}

/** Why a worker's hello does not fit this coordinator, or undefined when it does (same mqbench, same Node major). */
export function helloMismatch(hello: WorkerHello): string | undefined {
  if (hello.mqbench !== mqbenchVersion()) return `it runs mqbench ${hello.mqbench}, this coordinator ${mqbenchVersion()}`;
  const major = (version: string) => version.split('.')[0];
  if (major(hello.node) !== major(process.versions.node)) return `it runs Node ${hello.node}, this coordinator ${process.versions.node} (the wire is V8's serialisation)`;
  return undefined;
}

/** The shared secret: MQBENCH_WORKER_TOKEN, else the contents of the file MQBENCH_WORKER_TOKEN_FILE; undefined when neither is set. */
export function workerToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MQBENCH_WORKER_TOKEN) return env.MQBENCH_WORKER_TOKEN;
  const file = env.MQBENCH_WORKER_TOKEN_FILE;
  if (!file) return undefined;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`MQBENCH_WORKER_TOKEN_FILE: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!token) throw new Error(`MQBENCH_WORKER_TOKEN_FILE: ${file} is empty`);
  return token;
}
