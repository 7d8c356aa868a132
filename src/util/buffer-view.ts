/** Node Buffer views of byte arrays, for APIs that take only Buffers. */

/** A Node Buffer view of `bytes` without copying (`bytes` itself when it is one). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
