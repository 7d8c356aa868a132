/**
 * Processes a driver starts to do the client's own work, such as kafka-reader (a Kafka consumer in a process of its
 * own): the trial counts their CPU and memory as the client's, beside its own process.
 */

type HelperListener = (pid: number) => void;

const listeners = new Set<HelperListener>();

/** Says that the process `pid` does the client's work: whoever listens now counts it. */
export function countAsClient(pid: number): void {
  for (const listener of listeners) listener(pid);
}

/** Calls `listener` with every client helper started from now on, until the function returned is called. */
export function onClientHelper(listener: HelperListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
