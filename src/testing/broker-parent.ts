/**
 * A stand-in for mqbench in tests of broker supervision: starts one broker process with startLocalProcess, prints
 * "pid <n>", and waits to be killed. Usage: node --import tsx src/testing/broker-parent.ts <log file> <command> [args…]
 */
import { startLocalProcess } from '../provision/local-process.js';

const [logFile, command, ...args] = process.argv.slice(2);
const started = await startLocalProcess({ name: 'supervised-broker', command: command!, args, logFile: logFile!, ready: async () => true, readyTimeoutMs: 30_000 });
process.stdout.write(`pid ${started.pid}\n`);
setInterval(() => undefined, 60_000);
