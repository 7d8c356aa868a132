/**
 * Processes a driver starts to do the client's own work, such as kafka-reader (a Kafka consumer in a process of its
 * own): the trial counts their CPU and memory as the client's, beside its own process.
 */

/** The CPU a helper used over its whole life, as it reported it on its way out. */
export interface HelperUsage {
  cpuSeconds: number;
  systemCpuSeconds: number;
}

/** What listens for helpers: a resource probe of the client. */
export interface HelperListener {
  /** `pid` does the client's work from now on. */
  started(pid: number): void;
  /** `pid` is exiting, having used `usage` (what /proc can no longer tell once it is gone). */
  exiting(pid: number, usage: HelperUsage): void;
}

const listeners = new Set<HelperListener>();

/** Says that the process `pid` does the client's work: whoever listens now counts it. */
export function countAsClient(pid: number): void {
  for (const listener of listeners) listener.started(pid);
}

/** Says that the helper `pid` is exiting with `usage`, its CPU over its whole life. */
export function helperExiting(pid: number, usage: HelperUsage): void {
  for (const listener of listeners) listener.exiting(pid, usage);
}

/** Tells `listener` of every client helper started from now on, until the function returned is called. */
export function onClientHelper(listener: HelperListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
