/**
 * kafkajs checksums every record batch it sends with CRC-32C in JavaScript, a table lookup per byte: a profile of
 * 1 MiB sends had it at 12 % of the worker's main thread, about 5 ms a message, inside every round trip of a producer
 * that keeps one request in flight. Imported before kafkajs, this puts @node-rs/crc32's native CRC-32C in the place
 * of kafkajs's module (the same function: unsigned CRC-32C of a Buffer), so kafkajs's record batches load it. Where
 * kafkajs was loaded first, or its module moved, nothing is replaced; `kafkajsChecksum()` says which ran.
 */
import { createRequire, Module } from 'node:module';
import { crc32c } from '@node-rs/crc32';

const require = createRequire(import.meta.url);
/** kafkajs's CRC-32C module, which its record batch encoder requires. */
const CRC_MODULE = 'kafkajs/src/protocol/recordBatch/crc32C/index.js';

let checksummed = 0;

/** The unsigned CRC-32C of `buffer`, as kafkajs's own function returns it. */
export const nativeCrc32c = (buffer: Buffer): number => {
  checksummed += 1;
  return crc32c(buffer) >>> 0;
};

/** How many buffers the native function has checksummed in this process. */
export function nativeChecksums(): number {
  return checksummed;
}

function install(): void {
  let path: string;
  try {
    path = require.resolve(CRC_MODULE);
  } catch {
    return;
  }
  if (require.cache[path]) return;
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = nativeCrc32c;
  require.cache[path] = module;
}

install();

/** Which CRC-32C kafkajs's record batches use, for the manifest. */
export function kafkajsChecksum(): string {
  let path: string;
  try {
    path = require.resolve(CRC_MODULE);
  } catch {
    return "kafkajs's own (JavaScript; its module was not found)";
  }
  return require.cache[path]?.exports === nativeCrc32c ? 'native CRC-32C (@node-rs/crc32) in place of kafkajs\'s JavaScript one' : "kafkajs's own (JavaScript)";
}
