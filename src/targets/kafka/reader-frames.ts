/**
 * The frames kafka-reader (tools/kafka-reader) writes on stdout: a type byte, a little-endian uint32 length, then the
 * body. A body that lies within one chunk is handed on as a view of it, without a copy; one that spans chunks is
 * joined once.
 */

/** The kinds of frame: ready, a message, a survivable error, a fatal error, the reader's CPU on its way out. */
export type ReaderFrameKind = 'r' | 'm' | 'e' | 'x' | 'u';

const HEADER_BYTES = 5;
const KINDS = new Set<number>(['r', 'm', 'e', 'x', 'u'].map((kind) => kind.charCodeAt(0)));

/** Splits kafka-reader's output into frames, whatever the chunk boundaries. */
export class ReaderFrameSplitter {
  /** Bytes of an unfinished frame (its header included), kept until the rest arrives. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The whole size of the unfinished frame, once its header has arrived. */
  private pendingFrameBytes: number | undefined;

  constructor(private readonly onFrame: (kind: ReaderFrameKind, body: Buffer) => void) {}

  /** Takes the next chunk of output; throws on bytes that are not a frame. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pendingBytes > 0) {
      this.pendingFrameBytes ??= this.frameBytes([...this.pending, chunk]);
      const needed = this.pendingFrameBytes;
      if (needed === undefined || this.pendingBytes + chunk.length < needed) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        return;
      }
      // The unfinished frame ends in this chunk: join it (header and body) with what the chunk holds of it.
      const joined = Buffer.concat([...this.pending, chunk.subarray(0, needed - this.pendingBytes)]);
      data = chunk.subarray(needed - this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.pendingFrameBytes = undefined;
      this.emit(joined, 0);
    }
    let offset = 0;
    while (data.length - offset >= HEADER_BYTES) {
      const length = data.readUInt32LE(offset + 1);
      if (data.length - offset - HEADER_BYTES < length) break;
      offset = this.emit(data, offset);
    }
    if (offset < data.length) {
      this.pending = [data.subarray(offset)];
      this.pendingBytes = data.length - offset;
    }
  }

  /** True when no frame is half-read. */
  get idle(): boolean {
    return this.pendingBytes === 0;
  }

  /** The whole size of the frame that `parts` begin, once they hold its header. */
  private frameBytes(parts: Buffer[]): number | undefined {
    const header = Buffer.concat(parts.map((part) => part.subarray(0, HEADER_BYTES)));
    return header.length < HEADER_BYTES ? undefined : HEADER_BYTES + header.readUInt32LE(1);
  }

  /** Hands on the frame at `offset` of `data` (known to be complete) and returns the offset after it. */
  private emit(data: Buffer, offset: number): number {
    const kind = data[offset]!;
    if (!KINDS.has(kind)) throw new Error(`kafka-reader wrote a frame of unknown type ${kind} (its output is out of step)`);
    const end = offset + HEADER_BYTES + data.readUInt32LE(offset + 1);
    this.onFrame(String.fromCharCode(kind) as ReaderFrameKind, data.subarray(offset + HEADER_BYTES, end));
    return end;
  }
}
