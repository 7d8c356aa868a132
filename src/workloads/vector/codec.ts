/**
 * Message bodies of the vector workload (inside the harness envelope). Little-endian, 8-byte aligned sections:
 *   insert: u8 kind=1 · 3 pad · u32 rows · u32 dimension · u32 pad · f64 insert timestamp (epoch ms)
 *           · f64 pk × rows · i32 scalar × rows (padded to 8) · f32 vector × rows × dimension
 *   tick:   u8 kind=2 · 7 pad · f64 tick timestamp (epoch ms)
 */

const INSERT = 1;
const TICK = 2;
const INSERT_HEADER = 24;

import type { RowBatch } from '../../targets/vector-store.js';

export type { RowBatch };

/** A decoded body. */
export type VectorMessage = ({ kind: 'insert' } & RowBatch) | { kind: 'tick'; ts: number };

const scalarBytes = (rows: number) => Math.ceil((rows * 4) / 8) * 8;

/** Bytes of an insert body of `rows` rows. */
export function insertBodyBytes(rows: number, dimension: number): number {
  return INSERT_HEADER + rows * 8 + scalarBytes(rows) + rows * dimension * 4;
}

/** Encodes an insert batch. */
export function encodeInsert(batch: RowBatch): Buffer {
  const rows = batch.pks.length;
  const body = Buffer.alloc(insertBodyBytes(rows, batch.dimension));
  body[0] = INSERT;
  body.writeUInt32LE(rows, 4);
  body.writeUInt32LE(batch.dimension, 8);
  body.writeDoubleLE(batch.insertTs, 16);
  let offset = INSERT_HEADER;
  body.set(new Uint8Array(batch.pks.buffer, batch.pks.byteOffset, rows * 8), offset);
  offset += rows * 8;
  body.set(new Uint8Array(batch.scalars.buffer, batch.scalars.byteOffset, rows * 4), offset);
  offset += scalarBytes(rows);
  body.set(new Uint8Array(batch.vectors.buffer, batch.vectors.byteOffset, rows * batch.dimension * 4), offset);
  return body;
}

/** Encodes a time tick. */
export function encodeTick(ts: number): Buffer {
  const body = Buffer.alloc(16);
  body[0] = TICK;
  body.writeDoubleLE(ts, 8);
  return body;
}

/** Decodes a body (copying into aligned typed arrays, since broker buffers may be unaligned). */
export function decodeVectorMessage(body: Uint8Array): VectorMessage {
  const view = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (view[0] === TICK) return { kind: 'tick', ts: view.readDoubleLE(8) };
  if (view[0] !== INSERT) throw new Error(`unknown vector message kind ${view[0]}`);
  const rows = view.readUInt32LE(4);
  const dimension = view.readUInt32LE(8);
  const aligned = new Uint8Array(view.length);
  aligned.set(view);
  let offset = INSERT_HEADER;
  const pks = new Float64Array(aligned.buffer.slice(offset, offset + rows * 8));
  offset += rows * 8;
  const scalars = new Int32Array(aligned.buffer.slice(offset, offset + rows * 4));
  offset += scalarBytes(rows);
  const vectors = new Float32Array(aligned.buffer.slice(offset, offset + rows * dimension * 4));
  return { kind: 'insert', insertTs: view.readDoubleLE(16), pks, scalars, vectors, dimension };
}
