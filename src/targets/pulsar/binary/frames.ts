/**
 * Pulsar's wire framing. A simple command is [total size][command size][BaseCommand]; a command with a payload (SEND,
 * MESSAGE) continues with [magic 0x0e01][CRC32C][metadata size][MessageMetadata][payload], the CRC32C covering
 * everything after it. All sizes are 4-byte big-endian.
 */
import { crc32c } from '@node-rs/crc32';
import { decodeCommand, encodeCommand, type Command } from './proto.js';

const MAGIC_CRC32C = 0x0e01;
/** Frames larger than this are refused (the broker's default maxMessageSize is 5 MiB; batches and headroom). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A frame as read: its command and, for SEND/MESSAGE, the metadata and payload bytes. */
export interface Frame {
  command: Command;
  metadata?: Buffer;
  payload?: Buffer;
}

/** A frame holding only `command`. */
export function simpleFrame(command: Command): Buffer {
  const encoded = encodeCommand(command);
  const frame = Buffer.allocUnsafe(8 + encoded.length);
  frame.writeUInt32BE(4 + encoded.length, 0);
  frame.writeUInt32BE(encoded.length, 4);
  frame.set(encoded, 8);
  return frame;
}

/**
 * Frames whose payload is at most this many bytes are built as one buffer: one chunk for the socket's writev and one
 * CRC32C call, not one per part. A batch of 1 KiB messages is two parts a message, and writev with a chunk per part
 * took a quarter of the producer's main thread at 1 KiB. Larger payloads are written as they are, uncopied.
 */
export const CONTIGUOUS_FRAME_BYTES = 256 * 1024;

/**
 * A frame with a payload made of `payload` parts, to be written in order: one buffer up to CONTIGUOUS_FRAME_BYTES of
 * payload, else the head followed by the parts themselves (not copied).
 */
export function payloadFrame(command: Command, metadata: Uint8Array, payload: readonly Uint8Array[]): Buffer[] {
  const encoded = encodeCommand(command);
  const payloadBytes = payload.reduce((sum, part) => sum + part.byteLength, 0);
  const headBytes = 8 + encoded.length + 2 + 4 + 4 + metadata.length;
  const contiguous = payloadBytes <= CONTIGUOUS_FRAME_BYTES;
  const head = Buffer.allocUnsafe(headBytes + (contiguous ? payloadBytes : 0));
  let offset = 0;
  head.writeUInt32BE(headBytes - 4 + payloadBytes, offset);
  head.writeUInt32BE(encoded.length, (offset += 4));
  head.set(encoded, (offset += 4));
  head.writeUInt16BE(MAGIC_CRC32C, (offset += encoded.length));
  const checksumAt = (offset += 2);
  head.writeUInt32BE(metadata.length, (offset += 4));
  head.set(metadata, offset + 4);
  if (contiguous) {
    let at = headBytes;
    for (const part of payload) {
      head.set(part, at);
      at += part.byteLength;
    }
    head.writeUInt32BE(crc32c(head.subarray(checksumAt + 4)) >>> 0, checksumAt);
    return [head];
  }
  const parts = payload.map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
  const checksum = parts.reduce((crc, part) => crc32c(part, crc), crc32c(head.subarray(checksumAt + 4)));
  head.writeUInt32BE(checksum >>> 0, checksumAt);
  return [head, ...parts];
}

/** Splits a byte stream into frames, checking payload checksums. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds received bytes and returns the frames now complete. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const total = this.peekSize();
      if (total > MAX_FRAME_BYTES) throw new Error(`Pulsar frame of ${total} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
      if (this.buffered < 4 + total) break;
      frames.push(parseFrame(this.take(4 + total).subarray(4)));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    return Buffer.concat(this.chunks, 4).readUInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0]!;
    let taken: Buffer;
    if (first.length >= bytes) {
      taken = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      taken = all.subarray(0, bytes);
      this.chunks = all.length > bytes ? [all.subarray(bytes)] : [];
    }
    this.buffered -= bytes;
    return taken;
  }
}

/** Parses a frame without its total-size prefix. */
export function parseFrame(body: Buffer): Frame {
  const commandSize = body.readUInt32BE(0);
  const command = decodeCommand(body.subarray(4, 4 + commandSize));
  let offset = 4 + commandSize;
  if (offset >= body.length) return { command };
  if (body.readUInt16BE(offset) !== MAGIC_CRC32C) throw new Error(`Pulsar frame: unexpected magic 0x${body.readUInt16BE(offset).toString(16)}`);
  const checksum = body.readUInt32BE(offset + 2);
  const checked = body.subarray(offset + 6);
  if (crc32c(checked) >>> 0 !== checksum) throw new Error('Pulsar frame: payload checksum mismatch (CRC32C)');
  offset += 6;
  const metadataSize = body.readUInt32BE(offset);
  const metadata = body.subarray(offset + 4, offset + 4 + metadataSize);
  return { command, metadata, payload: body.subarray(offset + 4 + metadataSize) };
}
