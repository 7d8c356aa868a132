/**
 * The engine host process: `node --import tsx src/targets/engine-host/main.ts <json>` opens one embedded target's engine on
 * its data directory and serves it on a unix socket (server.ts). The JSON names the target type, its settings, the
 * endpoint the engine opens (its data directory) and the socket. mqbench starts it as a supervised local process,
 * so it dies with mqbench however mqbench ends.
 */
import { rm } from 'node:fs/promises';
import { findTarget } from '../registry.js';
import { isVectorStore } from '../vector-store.js';
import { serveEngine } from './server.js';

/** What the host is told to serve. */
export interface EngineHostSpec {
  type: string;
  settings: unknown;
  endpoint: Record<string, unknown>;
  socket: string;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as EngineHostSpec;
const definition = findTarget(spec.type);
if (!definition) throw new Error(`unknown target type ${spec.type}`);
// One engine for the host's life, on the same files at every start (trial 0: the host's own store).
const driver = await definition.connect(spec.endpoint, spec.settings, { trialIndex: 0 });
if (isVectorStore(driver)) throw new Error(`${spec.type} is a vector store`);
await rm(spec.socket, { force: true });
await serveEngine(driver, spec.socket);
console.log(`serving ${spec.type} on ${spec.socket}`);
