/** Socket writes batched per event-loop turn. */
import type { Socket } from 'node:net';

/**
 * Writes to a socket corked until the end of the event-loop turn, so everything written in one turn leaves in one
 * vectored write instead of a syscall per write.
 */
export class TurnBatchedWriter {
  private corked = false;

  constructor(private readonly socket: Socket) {}

  /** Queues `parts` for the turn's write. */
  write(parts: Iterable<Uint8Array>): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    for (const part of parts) this.socket.write(part);
  }
}
