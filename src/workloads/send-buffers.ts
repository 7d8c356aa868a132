/**
 * Reusable send buffers. Allocating a fresh multi-megabyte buffer per message costs page faults on every send;
 * instead a buffer is taken from a free list and returned once the broker has acknowledged the send
 * (drivers must not keep a reference to a payload after send() resolves).
 */
const REUSE_FROM_BYTES = 16 * 1024;

/** A free list of equally sized buffers. */
export class SendBuffers {
  private readonly free: Buffer[] = [];

  constructor(readonly messageBytes: number) {}

  /** A buffer of `messageBytes`, reused when one is free. */
  acquire(): Buffer {
    if (this.messageBytes < REUSE_FROM_BYTES) return Buffer.allocUnsafe(this.messageBytes);
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.messageBytes);
  }

  /** Returns a buffer after its send resolved. */
  release(buffer: Buffer): void {
    if (this.messageBytes >= REUSE_FROM_BYTES && this.free.length < 1024) this.free.push(buffer);
  }
}
