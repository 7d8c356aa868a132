/** A queue of incoming messages read one at a time, with a bound on each wait and an end that fails every read. */

/** Incoming messages in order; `next()` waits for one (bounded when asked), and fails once the source has ended. */
export class MessageQueue<Message> {
  private readonly messages: Message[] = [];
  private readonly waiters: Array<{ resolve: (message: Message) => void; reject: (error: Error) => void }> = [];
  private ended: Error | undefined;

  /** A message arrived. */
  push(message: Message): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(message);
    else this.messages.push(message);
  }

  /** The source ended (or broke): reads of messages not yet queued fail with `error`. */
  end(error: Error): void {
    this.ended ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.ended);
  }

  /** The next message; rejects once the source has ended, or after `timeoutMs` (naming `what`) when given. */
  next(timeoutMs?: number, what = 'a message'): Promise<Message> {
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift()!);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<Message>((resolve, reject) => {
      const waiter = {
        resolve: (message: Message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiters.splice(this.waiters.indexOf(waiter), 1);
              reject(new Error(`no ${what} within ${(timeoutMs / 1000).toFixed(0)} s`));
            }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
