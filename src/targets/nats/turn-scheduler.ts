/**
 * The work a NATS connection hands to nats.js once per event-loop turn, run in one immediate. nats.js writes its
 * outbound buffer on the microtask after the first command into it, and Node runs microtasks after every immediate: a
 * turn's acks and its publishes, each in an immediate of its own, went out in two socket writes. In the pub/sub round
 * trip (each publish awaiting its PubAck, which arrives with the message it acknowledges) that was two writes per
 * message, the consumer's ack and then the next publish (`strace` of the worker: write 82 bytes, write 1,087, read
 * 1,210, repeated). Run in one immediate, their commands share one write, as nats.go's flusher coalesces them. The
 * publishes go first: the server handles a read's commands in order, and a publish waits on nothing but itself
 * (with the ack ahead of it in one write, the round trip was slower than with two writes).
 */
export class TurnScheduler {
  private firstTasks: Array<() => void> = [];
  private tasks: Array<() => void> = [];
  private scheduled: NodeJS.Immediate | undefined;

  /** Runs `task` at the end of this turn, in one immediate with every other task handed over before it runs. */
  later(task: () => void): void {
    this.tasks.push(task);
    this.scheduled ??= setImmediate(() => this.run());
  }

  /** Like `later`, ahead of the turn's other tasks (for the commands a round trip waits on). */
  laterFirst(task: () => void): void {
    this.firstTasks.push(task);
    this.scheduled ??= setImmediate(() => this.run());
  }

  /** Runs the first tasks, then the others, each in the order they came; every task runs even when one throws (the first error is rethrown). */
  private run(): void {
    this.scheduled = undefined;
    const tasks = [...this.firstTasks, ...this.tasks];
    this.firstTasks = [];
    this.tasks = [];
    let failure: { error: unknown } | undefined;
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
