/**
 * The entry of a load-client process (`clients: N`): connects its own driver to the trial's target, runs the workload
 * role the trial starts, and exits. It stops when the trial process goes away (its IPC channel closes), and the run
 * tracks it like any child, so it never outlives mqbench.
 */
import { loadPlugins } from './plugins.js';
import { clockPong, isClockPing } from '../workloads/clock-sync.js';
import { isVectorStore } from '../targets/vector-store.js';
import { findTarget } from '../targets/registry.js';
import type { LogDriver } from '../targets/driver.js';
import { errorMessage } from '../util/errors.js';
import { MessageQueue } from '../util/message-queue.js';
import { withTimeout } from '../util/timeout.js';
import { USAGE_REPORT_MS, type LoadClientChannel, type LoadClientStart, type LoadClientUsage } from '../workloads/load-client.js';
import { loadClientRole } from '../workloads/registry.js';
import type { LoadClientConnect, LoadClientFailure } from './load-clients.js';
import { restoreInheritedPreload } from '../util/allocator.js';

// mqbench's allocator was preloaded for this process only: what it starts runs with what it would have had.
restoreInheritedPreload();

const CONNECT_WAIT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 30_000;

const inbox = new MessageQueue<unknown>();
const controller = new AbortController();
// A clock question is answered at once, whatever the role is doing (clock-sync.ts).
process.on('message', (message) => (isClockPing(message) ? void send(clockPong(message)) : inbox.push(message)));
process.on('disconnect', () => {
  inbox.end(new Error('the trial process went away'));
  controller.abort();
});
// The trial owns Ctrl-C (it sends abort); SIGTERM from the trial's close ends the role.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => controller.abort());

const sending = new Set<Promise<void>>();
const send = (message: unknown) => {
  const sent = new Promise<void>((resolve) => (process.connected ? process.send!(message, () => resolve()) : resolve()));
  sending.add(sent);
  void sent.then(() => sending.delete(sent));
  return sent;
};

// The trial reads a forked client by its pid; one on another machine only from these reports.
const usageReports = setInterval(() => {
  const cpu = process.cpuUsage();
  void send({ type: 'usage', cpuSeconds: (cpu.user + cpu.system) / 1e6, rssBytes: process.memoryUsage.rss() } satisfies LoadClientUsage);
}, USAGE_REPORT_MS).unref();

const channel: LoadClientChannel = {
  label: `load client (pid ${process.pid})`,
  send: (message) => void send(message),
  next: (timeoutMs) => inbox.next(timeoutMs, 'message from the trial'),
  close: async () => controller.abort(),
};

let driver: LogDriver | undefined;
try {
  await loadPlugins();
  const connect = (await inbox.next(CONNECT_WAIT_MS, 'connect message')) as LoadClientConnect;
  const definition = findTarget(connect.target.type);
  if (!definition) throw new Error(`unknown target type ${connect.target.type}`);
  const connection = await definition.connect(connect.endpoint, connect.target.settings, { trialIndex: connect.trialIndex });
  if (isVectorStore(connection)) throw new Error(`target type ${connect.target.type} is a vector store: it has no producers for a load client`);
  driver = connection;
  const start = (await inbox.next(CONNECT_WAIT_MS, 'start message')) as LoadClientStart;
  const role = loadClientRole(start.role);
  if (!role) throw new Error(`no workload has the load-client role ${start.role}`);
  await role(start.spec, driver, channel, controller.signal);
} catch (error) {
  await send({ type: 'error', message: errorMessage(error) } satisfies LoadClientFailure);
}
await withTimeout(Promise.all(sending), CLOSE_TIMEOUT_MS, 'sending the last messages').catch(() => undefined);
if (driver) await withTimeout(driver.close(), CLOSE_TIMEOUT_MS, 'closing the driver').catch(() => undefined);
clearInterval(usageReports);
// The trial may still measure this client's clock after its last report: it ends by closing the channel.
await withTimeout(new Promise((resolve) => (controller.signal.aborted ? resolve(undefined) : controller.signal.addEventListener('abort', resolve))), CLOSE_TIMEOUT_MS, 'the trial closing').catch(() => undefined);
process.exit(0);
