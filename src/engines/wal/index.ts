/** The Woodpecker-style WAL on object storage: a library with no benchmark code inside. */
export { CorruptBlockError } from './block.js';
export { compareEntryIds, formatEntryId, parseEntryId, type EntryId } from './entry-id.js';
export { LocalObjectStore } from './local-store.js';
export { type ObjectStore } from './object-store.js';
export { defaultWalOptions, type ResolvedWalOptions, type WalOptions } from './options.js';
export { LogReader, type ReadEntry } from './reader.js';
export { S3ObjectStore, type S3Location } from './s3-store.js';
export { SegmentFileStore } from './segment-file-store.js';
export { Wal, type ReadFrom } from './wal.js';
export { FencedError, LogWriter, WriterStoppedError } from './writer.js';
