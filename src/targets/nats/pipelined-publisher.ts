/**
 * JetStream publishes pipelined as `nats bench js pub async` and nats.go's PublishAsync do: each message is a core
 * NATS publish with a reply subject under one inbox subscription, and its PubAck is matched to it when it returns.
 * No request object, timer or header block per message (nats.js's `js.publish` makes all three), so many publishes
 * can be outstanding at a cost of a few microseconds each. Publishes are handed to the connection together once per
 * event-loop turn, so nats.js writes them to the socket in one write (it flushes on the microtask after the first
 * publish into an empty buffer, which made one socket write per message when PubAcks trickled in), as nats.go's
 * flusher coalesces writes. Built on nats.js's public core API; where the connection's protocol handler takes raw
 * commands (see turn-acks.ts), a turn's small publishes go to it as one buffer of frames (publish-frames.ts).
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { LARGE_CHUNK_BYTES } from './outbound-writes.js';
import { invalidSubject, PublishFrames, type FramedPublish } from './publish-frames.js';
import type { RawCommandSender } from './turn-acks.js';

/**
 * A turn's frames go to the connection in buffers of about this many payload bytes: one buffer of a whole turn of
 * 16 KiB publishes (megabytes, a fresh allocation each turn) cost more CPU a message than nats.js's own path, which
 * flushes whenever 32 KiB are queued.
 */
const FRAMES_BUFFER_BYTES = 64 * 1024;

interface Pending {
  resolve(sequence: string): void;
  reject(error: Error): void;
  deadline: number;
}

/** The digits of a PubAck's stream sequence, or undefined (a string scan: a regular expression cost more here). */
function sequenceDigits(text: string): string | undefined {
  const key = text.indexOf('"seq":');
  if (key < 0) return undefined;
  const start = key + 6;
  let end = start;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    if (code < 48 || code > 57) break;
  }
  return end > start ? text.slice(start, end) : undefined;
}

/** The reason a PubAck reply is not an acknowledgement, or undefined when it is one (with its stream sequence). */
export function parsePubAck(message: Pick<Msg, 'data' | 'headers'>): { sequence: string } | { error: string } {
  const status = message.headers?.code;
  if (status !== undefined && status >= 300) {
    return { error: status === 503 ? 'no stream listens on this subject (503 no responders)' : `status ${status} ${message.headers?.description ?? ''}`.trim() };
  }
  const text = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength).toString('latin1');
  const sequence = sequenceDigits(text);
  if (sequence !== undefined && !text.includes('"error"')) return { sequence };
  try {
    const parsed = JSON.parse(text) as { error?: { code?: number; description?: string } };
    if (parsed.error) return { error: `${parsed.error.description ?? 'error'} (${parsed.error.code ?? '?'})` };
  } catch {
    // fall through: not JSON
  }
  return { error: `not a PubAck: ${text.slice(0, 200)}` };
}

/** Publishes to JetStream subjects with many PubAcks outstanding; one per connection. */
export class PipelinedPublisher {
  private readonly inbox = createInbox();
  private readonly subscription: Subscription;
  /** Outstanding publishes by reply token, in publish order (so also in deadline order). */
  private readonly pending = new Map<string, Pending>();
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;
  private closed = false;
  /** Publishes waiting for this turn's hand-off to the connection. */
  private queued: FramedPublish[] = [];
  private handOff: NodeJS.Immediate | undefined;
  private readonly frames: PublishFrames;
  /** Subjects checked once, for the framed path. */
  private readonly validSubjects = new Set<string>();

  /** With `sendFrames`, a turn's publishes under LARGE_CHUNK_BYTES go to the connection as one buffer of frames. */
  constructor(
    private readonly connection: NatsConnection,
    private readonly timeoutMs: number,
    private readonly sendFrames?: RawCommandSender,
  ) {
    this.frames = new PublishFrames(this.inbox);
    this.subscription = connection.subscribe(`${this.inbox}.*`, { callback: (error, message) => this.onReply(error, message) });
    this.sweeper = setInterval(() => this.expire(), Math.max(10, Math.min(1000, timeoutMs / 4)));
    this.sweeper.unref();
  }

  /** Publishes `payload` to `subject` and resolves with the stream sequence of its PubAck. */
  publish(subject: string, payload: Uint8Array): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the NATS publisher is closed'));
    const token = (this.next++).toString(36);
    return new Promise<string>((resolve, reject) => {
      this.pending.set(token, { resolve, reject, deadline: performance.now() + this.timeoutMs });
      this.queued.push({ subject, payload, token });
      this.handOff ??= setImmediate(() => this.publishQueued());
    });
  }

  private publishQueued(): void {
    this.handOff = undefined;
    const queued = this.queued;
    this.queued = [];
    const framed: FramedPublish[] = [];
    let framedBytes = 0;
    for (const entry of queued) {
      if (this.sendFrames && this.frameable(entry)) {
        framed.push(entry);
        framedBytes += entry.payload.byteLength;
        if (framedBytes >= FRAMES_BUFFER_BYTES) {
          this.sendFramed(framed);
          framedBytes = 0;
        }
        continue;
      }
      this.sendFramed(framed); // keeps the publishes in order
      framedBytes = 0;
      this.publishOne(entry);
    }
    this.sendFramed(framed);
  }

  /** Whether `entry` can go out as a frame; where not, nats.js's publish sends it, or names what is wrong with it. */
  private frameable(entry: FramedPublish): boolean {
    if (entry.payload.byteLength >= LARGE_CHUNK_BYTES) return false;
    if (!this.validSubjects.has(entry.subject)) {
      if (invalidSubject(entry.subject)) return false; // nats.js's publish names the problem
      this.validSubjects.add(entry.subject);
    }
    const maxPayload = this.connection.info?.max_payload;
    return maxPayload === undefined || entry.payload.byteLength <= maxPayload;
  }

  private sendFramed(framed: FramedPublish[]): void {
    if (framed.length === 0) return;
    const batch = framed.splice(0);
    if (this.connection.isClosed() || this.connection.isDraining()) {
      // nats.js's own publish says why (closed or draining): fail each with it.
      for (const entry of batch) this.publishOne(entry);
      return;
    }
    try {
      this.sendFrames!(this.frames.build(batch));
    } catch (error) {
      for (const entry of batch) this.fail(entry.token, error as Error);
    }
  }

  private publishOne({ subject, payload, token }: FramedPublish): void {
    try {
      this.connection.publish(subject, payload, { reply: `${this.inbox}.${token}` });
    } catch (error) {
      this.fail(token, error as Error);
    }
  }

  private fail(token: string, error: Error): void {
    this.pending.get(token)?.reject(error);
    this.pending.delete(token);
  }

  /** Fails what is outstanding and stops listening for PubAcks. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    if (this.handOff) clearImmediate(this.handOff);
    this.queued = [];
    this.subscription.unsubscribe();
    for (const waiting of this.pending.values()) waiting.reject(new Error('the NATS publisher closed before its PubAck'));
    this.pending.clear();
  }

  private onReply(error: Error | null, message: Msg): void {
    if (error) {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      return;
    }
    const token = message.subject.slice(this.inbox.length + 1);
    const waiting = this.pending.get(token);
    if (!waiting) return; // timed out already
    this.pending.delete(token);
    const ack = parsePubAck(message);
    if ('sequence' in ack) waiting.resolve(ack.sequence);
    else waiting.reject(new Error(ack.error));
  }

  private expire(): void {
    const now = performance.now();
    for (const [token, waiting] of this.pending) {
      if (waiting.deadline > now) return;
      this.pending.delete(token);
      waiting.reject(Object.assign(new Error(`no PubAck within ${this.timeoutMs} ms`), { name: 'TimeoutError' }));
    }
  }
}
