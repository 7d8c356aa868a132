/**
 * Coalesces concurrent sends into batches the way Kafka's Java producer does with linger.ms=0 (used by the kafkajs
 * adapter and Pulsar's binary client): a send goes out at once while fewer than `maxInFlight` requests are
 * outstanding; past that, sends queue and leave together, up to `maxBatchBytes`, when a request completes, or at once
 * once they fill a batch while fewer than `maxFullInFlight` requests are outstanding (a full batch gains nothing by
 * waiting, as the Java clients send a batch when it is full). A send awaited alone is never held back, so the pub/sub
 * round trip is unchanged; many sends outstanding share requests instead of costing one request each.
 */

interface Queued {
  payload: Uint8Array;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/** Sends a batch in order and returns an id per message. */
export type BatchSend = (payloads: Uint8Array[]) => Promise<string[]>;

/** A send path that batches what is outstanding. */
export class SendBatcher {
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private inFlight = 0;

  constructor(
    private readonly sendBatch: BatchSend,
    private readonly maxInFlight: number,
    private readonly maxBatchBytes: number,
    private readonly maxFullInFlight = maxInFlight,
  ) {}

  /** Sends `payload` in the next batch that has room; resolves with its id once its batch is acknowledged. */
  send(payload: Uint8Array): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ payload, resolve, reject });
      this.queuedBytes += payload.byteLength;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && (this.inFlight < this.maxInFlight || (this.inFlight < this.maxFullInFlight && this.queuedBytes >= this.maxBatchBytes))) {
      let bytes = this.queue[0]!.payload.byteLength;
      let count = 1;
      while (count < this.queue.length && bytes + this.queue[count]!.payload.byteLength <= this.maxBatchBytes) {
        bytes += this.queue[count]!.payload.byteLength;
        count += 1;
      }
      const batch = this.queue.splice(0, count);
      this.queuedBytes -= bytes;
      this.inFlight += 1;
      this.sendBatch(batch.map((entry) => entry.payload)).then(
        (ids) => batch.forEach((entry, index) => entry.resolve(ids[index] ?? '')),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      ).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }
}
