/**
 * Acknowledgements sent together once per event-loop turn. nats.js flushes its outbound buffer on the microtask after
 * the first command into an empty buffer, so an ack made in a message's callback goes out in a socket write of its own
 * whenever the messages of a turn arrive in separate socket reads (every 64 KiB message does): reading a 64 KiB
 * backlog, those writes took 20 % of the consumer's main thread here. Acked from one immediate, a turn's acks are
 * packed into one write, as nats.go's flusher coalesces them. Each message still gets its own explicit ack.
 *
 * Where the connection's protocol handler takes a raw command (`sendCommand` of nats.js's ProtocolHandler), a turn's
 * acks are one command: the `PUB <reply> 4\r\n+ACK\r\n` frames of every message in one buffer, each reply copied from
 * the bytes the parser read (decoding each reply to a string and encoding the frames again took 2-3 % of the
 * consumer's main thread in a profile of a 1 KiB read; the gain in msg/s was within the noise). nats.js's own ack
 * builds, encodes and queues three chunks per message (2-3 µs each); reading a 1 KiB backlog, acks took a fifth of the
 * consumer's main thread.
 */

/** Something to acknowledge (a JetStream message): its own ack, and the reply subject its ack is published to. */
export interface Ackable {
  ack(): void;
  readonly reply?: string;
}

/** Hands protocol commands (a string, or their bytes) to the connection's outbound buffer. */
export type RawCommandSender = (commands: string | Uint8Array) => void;

/** The raw command sender of a nats.js connection, or undefined where its protocol handler is not as expected. */
export function rawCommandSender(connection: unknown): RawCommandSender | undefined {
  const protocol = (connection as { protocol?: { sendCommand?: unknown } } | undefined)?.protocol;
  const sendCommand = protocol?.sendCommand;
  if (typeof sendCommand !== 'function') return undefined;
  return (commands) => (sendCommand as (this: unknown, command: string | Uint8Array) => void).call(protocol, commands);
}

const FRAME_HEAD = Buffer.from('PUB ');
const FRAME_TAIL = Buffer.from(' 4\r\n+ACK\r\n');

/** The protocol frames acking `replies` (reply subjects' bytes): one explicit ack (`+ACK`) published to each. */
export function ackFrames(replies: readonly Uint8Array[]): Buffer {
  let bytes = 0;
  for (const reply of replies) bytes += FRAME_HEAD.length + reply.length + FRAME_TAIL.length;
  const frames = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const reply of replies) {
    frames.set(FRAME_HEAD, at);
    frames.set(reply, at + FRAME_HEAD.length);
    at += FRAME_HEAD.length + reply.length;
    frames.set(FRAME_TAIL, at);
    at += FRAME_TAIL.length;
  }
  return frames;
}

/**
 * The reply subject of a nats.js JetStream message as the bytes its parser read (its `reply` decodes them to a string,
 * which an ack frame would encode again), or undefined where the message is not shaped as nats.js's.
 */
export function replyBytes(message: Ackable): Uint8Array | undefined {
  const reply = (message as { msg?: { _msg?: { reply?: unknown } } }).msg?._msg?.reply;
  return reply instanceof Uint8Array && reply.length > 0 ? reply : undefined;
}

/** Queues acks and sends them all at the end of the turn (one socket write for them). */
export class TurnAcks {
  private queued: Ackable[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  /** With `send`, a turn's acks go out as one command; without it, through each message's own ack. */
  constructor(private readonly send?: RawCommandSender) {}

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
    if (!this.send) {
      for (const message of queued) message.ack();
      return;
    }
    const replies: Uint8Array[] = [];
    for (const message of queued) {
      const reply = replyBytes(message) ?? (message.reply ? Buffer.from(message.reply) : undefined);
      // A message without a reply subject cannot be acked by a frame: its own ack says why (nats.js throws).
      if (reply) replies.push(reply);
      else message.ack();
    }
    if (replies.length > 0) this.send(ackFrames(replies));
  }
}
