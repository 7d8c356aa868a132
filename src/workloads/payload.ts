/**
 * Message bodies, generated before the timed part of a trial from a seed:
 * - `random`: incompressible bytes; each body is a distinct region of a random pool of at most 64 MiB (bodies repeat
 *   only after the pool is used up, e.g. every 1024th message of 64 KiB), so no block compressor finds redundancy.
 * - `window`: as in the original Milvus benchmark, one random buffer of twice the body size and each body a window of
 *   it at a random offset — consecutive bodies share most of their bytes, so stores that compress shrink them a lot.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { bodyChecksum, ENVELOPE_BYTES, writeEnvelope } from './envelope.js';
import { seededRandom } from '../util/random.js';
import { z } from 'zod';

/** The payload generators. */
export type PayloadGenerator = 'random' | 'window';

/** What the result records about the bodies a trial sent. */
export const payloadInfoSchema = z.object({ generator: z.enum(['random', 'window']), bodyBytes: z.number(), poolBytes: z.number(), distinctBodies: z.number() });

/** What the result records about the bodies a trial sent. */
export type PayloadInfo = z.infer<typeof payloadInfoSchema>;

const RANDOM_POOL_LIMIT = 64 * 1024 * 1024;

/** Deterministic pseudo-random bytes from a seed and a label (AES-128-CTR keystream). */
export function seededBytes(seed: number, label: string, length: number): Buffer {
  const key = createHash('sha256').update(`${seed}:${label}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(Buffer.alloc(length));
}

/** A fixed set of bodies with precomputed checksums; message i uses body i mod `distinctBodies`. */
export class PayloadSource {
  private readonly pool: Buffer;
  private readonly offsets: Uint32Array;
  private readonly checksums: Uint32Array;

  constructor(
    readonly generator: PayloadGenerator,
    readonly bodyBytes: number,
    /** How many messages will be sent (bounds the number of distinct bodies prepared). */
    messages: number,
    seed: number,
  ) {
    const random = seededRandom(seed);
    if (generator === 'window') {
      this.pool = seededBytes(seed, 'window', Math.max(1, 2 * bodyBytes));
      const count = Math.min(messages, 100_000);
      this.offsets = Uint32Array.from({ length: count }, () => Math.floor(random() * Math.max(1, bodyBytes)));
    } else {
      const regions = Math.max(1, Math.min(messages, Math.floor(RANDOM_POOL_LIMIT / Math.max(1, bodyBytes))));
      this.pool = seededBytes(seed, 'random', Math.max(1, regions * bodyBytes));
      this.offsets = Uint32Array.from({ length: regions }, (_, i) => i * bodyBytes);
    }
    this.checksums = Uint32Array.from(this.offsets, (offset) => bodyChecksum(this.slice(offset)));
  }

  /** The body of message `index` (a view into the pool) and its CRC32. */
  body(index: number): { bytes: Buffer; crc: number } {
    const slot = index % this.offsets.length;
    return { bytes: this.slice(this.offsets[slot]!), crc: this.checksums[slot]! };
  }

  /** What the result records about these bodies. */
  info(): PayloadInfo {
    return { generator: this.generator, bodyBytes: this.bodyBytes, poolBytes: this.pool.length, distinctBodies: this.offsets.length };
  }

  /**
   * Writes message `index` into `into` as a producer sends it (bodyBytes + the envelope long): an envelope (producer
   * 0, sequence `index`) and body `index`.
   */
  writeMessage(index: number, into: Buffer): void {
    const { bytes, crc } = this.body(index);
    into.set(bytes, ENVELOPE_BYTES);
    writeEnvelope(into, { producerId: 0, sequence: index, intendedMs: 0, sentMs: 0, bodyCrc: crc });
  }

  private slice(offset: number): Buffer {
    return this.pool.subarray(offset, offset + this.bodyBytes);
  }
}
