/**
 * Acknowledgements sent together once per event-loop turn. nats.js flushes its outbound buffer on the microtask after
 * the first command into an empty buffer, so an ack made in a message's callback goes out in a socket write of its own
 * whenever the messages of a turn arrive in separate socket reads (every 64 KiB message does): reading a 64 KiB
 * backlog, those writes took 20 % of the consumer's main thread here. Acked from one immediate, a turn's acks are
 * packed into one write, as nats.go's flusher coalesces them. Each message still gets its own explicit ack.
 */

/** Something to acknowledge (a JetStream message). */
export interface Ackable {
  ack(): void;
}

/** Queues acks and sends them all at the end of the turn (one socket write for them). */
export class TurnAcks {
  private queued: Ackable[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  /** Acknowledges `message` at the end of this turn. */
  add(message: Ackable): void {
    this.queued.push(message);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Sends every queued ack now (before a consumer closes). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const queued = this.queued;
    this.queued = [];
    for (const message of queued) message.ack();
  }
}
