/**
 * Blocks: the unit of upload. Each is self-describing and CRC-checked, so a segment's index can be rebuilt from
 * block headers alone, and a damaged block is detected, never returned.
 *
 * Header (40 bytes, little-endian):
 *   0 u32 magic "WPB1" · 4 u16 version · 6 u16 kind (1 data, 2 fence) · 8 u32 segment · 12 u32 block number
 *   16 u32 first entry · 20 u32 last entry · 24 u32 record count · 28 u32 body length · 32 u32 body checksum
 *   36 u32 CRC32 of bytes 0-35
 * Body: per record, u32 length · u32 CRC32 of the record · the record's bytes.
 * Body checksum, version 2: the CRC32 of the record headers (each record's 8 bytes of length and CRC, in order).
 * Every record's bytes are covered by its own CRC and every record CRC by the body checksum, so the whole block is
 * covered with one pass over the data. Version 1 (still read) had the CRC32 of the whole body: a second pass.
 */
import { crc32 } from '../../util/crc32.js';

/** Bytes of a block header. */
export const BLOCK_HEADER_BYTES = 40;
const MAGIC = 0x31425057; // "WPB1" little-endian
const VERSION = 2;
const READABLE_VERSIONS = new Set([1, 2]);
const RECORD_HEADER_BYTES = 8;

/** What a block header says. */
export interface BlockHeader {
  /** Format version (written: 2; 1 is still read). */
  version?: number;
  kind: 'data' | 'fence';
  segment: number;
  block: number;
  firstEntry: number;
  lastEntry: number;
  records: number;
  bodyBytes: number;
  bodyCrc: number;
}

/** A damaged or foreign block. */
export class CorruptBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptBlockError';
  }
}

/** Bytes a record takes in a block body. */
export function recordBytes(payloadBytes: number): number {
  return RECORD_HEADER_BYTES + payloadBytes;
}

/** Records of at least this size are referenced, not copied, by encodeBlockParts. */
const REFERENCE_FROM_BYTES = 64 * 1024;

/**
 * Encodes a data block holding `records`, the entries firstEntry…firstEntry+n-1 of `segment`, as buffers to be
 * written one after another: the headers and small records are copied into one frame, records of 64 KiB or more are
 * referenced as they are (a vectored write then never copies them).
 */
export function encodeBlockParts(segment: number, block: number, firstEntry: number, records: readonly Uint8Array[], referenceFrom = REFERENCE_FROM_BYTES): Uint8Array[] {
  const bodyBytes = records.reduce((sum, record) => sum + recordBytes(record.byteLength), 0);
  const copiedBytes = records.reduce((sum, record) => sum + (record.byteLength >= referenceFrom ? 0 : record.byteLength), 0);
  const frame = Buffer.allocUnsafe(BLOCK_HEADER_BYTES + RECORD_HEADER_BYTES * records.length + copiedBytes);
  const parts: Uint8Array[] = [];
  let partStart = 0;
  let offset = BLOCK_HEADER_BYTES;
  let bodyCrc = 0;
  for (const record of records) {
    frame.writeUInt32LE(record.byteLength, offset);
    frame.writeUInt32LE(crc32(record), offset + 4);
    bodyCrc = crc32(frame.subarray(offset, offset + RECORD_HEADER_BYTES), bodyCrc);
    offset += RECORD_HEADER_BYTES;
    if (record.byteLength >= referenceFrom) {
      parts.push(frame.subarray(partStart, offset), record);
      partStart = offset;
    } else {
      frame.set(record, offset);
      offset += record.byteLength;
    }
  }
  if (offset > partStart) parts.push(frame.subarray(partStart, offset));
  writeHeader(frame, {
    kind: 'data',
    segment,
    block,
    firstEntry,
    lastEntry: firstEntry + records.length - 1,
    records: records.length,
    bodyBytes,
    bodyCrc,
  });
  return parts;
}

/** Encodes a data block as one buffer (see encodeBlockParts). */
export function encodeBlock(segment: number, block: number, firstEntry: number, records: readonly Uint8Array[]): Buffer {
  const [only, ...more] = encodeBlockParts(segment, block, firstEntry, records, Number.POSITIVE_INFINITY);
  return more.length === 0 ? (only as Buffer) : Buffer.concat([only!, ...more]);
}

/** Encodes a fence marker occupying block number `block` of `segment`. */
export function encodeFence(segment: number, block: number): Buffer {
  const buffer = Buffer.alloc(BLOCK_HEADER_BYTES);
  writeHeader(buffer, { kind: 'fence', segment, block, firstEntry: 0, lastEntry: 0, records: 0, bodyBytes: 0, bodyCrc: 0 });
  return buffer;
}

function writeHeader(buffer: Buffer, header: BlockHeader): void {
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt16LE(VERSION, 4);
  buffer.writeUInt16LE(header.kind === 'data' ? 1 : 2, 6);
  buffer.writeUInt32LE(header.segment, 8);
  buffer.writeUInt32LE(header.block, 12);
  buffer.writeUInt32LE(header.firstEntry, 16);
  buffer.writeUInt32LE(header.lastEntry >>> 0, 20);
  buffer.writeUInt32LE(header.records, 24);
  buffer.writeUInt32LE(header.bodyBytes, 28);
  buffer.writeUInt32LE(header.bodyCrc >>> 0, 32);
  buffer.writeUInt32LE(crc32(buffer.subarray(0, 36)), 36);
}

/** Decodes and checks a block header (the first 40 bytes of a block). */
export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.byteLength < BLOCK_HEADER_BYTES) throw new CorruptBlockError(`block of ${bytes.byteLength} bytes is shorter than its header`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.readUInt32LE(0) !== MAGIC) throw new CorruptBlockError('not a block (bad magic)');
  if (buffer.readUInt32LE(36) !== crc32(buffer.subarray(0, 36))) throw new CorruptBlockError('block header checksum mismatch');
  const version = buffer.readUInt16LE(4);
  if (!READABLE_VERSIONS.has(version)) throw new CorruptBlockError(`unknown block version ${version}`);
  const kind = buffer.readUInt16LE(6);
  return {
    version,
    kind: kind === 2 ? 'fence' : 'data',
    segment: buffer.readUInt32LE(8),
    block: buffer.readUInt32LE(12),
    firstEntry: buffer.readUInt32LE(16),
    lastEntry: buffer.readUInt32LE(20),
    records: buffer.readUInt32LE(24),
    bodyBytes: buffer.readUInt32LE(28),
    bodyCrc: buffer.readUInt32LE(32),
  };
}

/** The header of a block, or undefined when it is damaged or foreign (what a recovery scan stops at). */
export function readableBlockHeader(bytes: Uint8Array): BlockHeader | undefined {
  try {
    return decodeBlockHeader(bytes);
  } catch (error) {
    if (error instanceof CorruptBlockError) return undefined;
    throw error;
  }
}

/** Decodes a whole block: header, body checksum, and every record's checksum. Records are views into `bytes`. */
export function decodeBlock(bytes: Uint8Array): { header: BlockHeader; records: Buffer[] } {
  const header = decodeBlockHeader(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = buffer.subarray(BLOCK_HEADER_BYTES);
  if (body.length !== header.bodyBytes) throw new CorruptBlockError(`block body is ${body.length} bytes, header says ${header.bodyBytes}`);
  const bodyChecksumMismatch = () => new CorruptBlockError(`block ${header.segment}/${header.block}: body checksum mismatch`);
  if (header.version === 1 && crc32(body) !== header.bodyCrc) throw bodyChecksumMismatch();
  const records: Buffer[] = [];
  let offset = 0;
  let tableCrc = 0;
  for (let index = 0; index < header.records; index++) {
    if (offset + RECORD_HEADER_BYTES > body.length) throw new CorruptBlockError('block ends inside a record header');
    tableCrc = crc32(body.subarray(offset, offset + RECORD_HEADER_BYTES), tableCrc);
    const length = body.readUInt32LE(offset);
    const crc = body.readUInt32LE(offset + 4);
    const record = body.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length);
    if (record.length !== length || crc32(record) !== crc) throw new CorruptBlockError(`block ${header.segment}/${header.block}: record ${index} is damaged`);
    records.push(record);
    offset += RECORD_HEADER_BYTES + length;
  }
  if (header.version !== 1 && tableCrc !== header.bodyCrc) throw bodyChecksumMismatch();
  if (offset !== body.length) throw new CorruptBlockError('block has bytes after its last record');
  return { header, records };
}
