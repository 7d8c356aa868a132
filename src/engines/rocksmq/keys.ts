/** Key layout of the RocksMQ-style engine: fixed-width message ids under a validated topic prefix, and metadata keys. */

const TOPIC_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;
const SEPARATOR = 0x2f; // "/", which topic names may not contain
const ID_BYTES = 8;

/** Largest message id the engine allocates (ids are JS numbers stored as 8-byte big-endian integers). */
export const MAX_MESSAGE_ID = Number.MAX_SAFE_INTEGER;

/** Throws unless `topic` is 1-200 characters of letters, digits, "_", "." or "-". */
export function assertTopicName(topic: string): void {
  if (!TOPIC_PATTERN.test(topic)) {
    throw new Error(`invalid topic name "${topic}": use 1-200 letters, digits, "_", "." or "-"`);
  }
}

/** Throws unless `group` is a valid consumer group name (same rules as topics). */
export function assertGroupName(group: string): void {
  if (!TOPIC_PATTERN.test(group)) {
    throw new Error(`invalid consumer group name "${group}": use 1-200 letters, digits, "_", "." or "-"`);
  }
}

/** Encodes a message id as 8 bytes big-endian, so keys sort in id order. */
export function encodeId(id: number): Buffer {
  if (!Number.isSafeInteger(id) || id < 0) throw new Error(`message id out of range: ${id}`);
  const bytes = Buffer.allocUnsafe(ID_BYTES);
  bytes.writeUInt32BE(Math.floor(id / 2 ** 32), 0);
  bytes.writeUInt32BE(id >>> 0, 4);
  return bytes;
}

/**
 * Decodes an 8-byte big-endian message id. Read byte by byte: a Buffer view to read it through was an object per
 * consumed message (2.5 % of a 1 KiB read-back's main thread).
 */
export function decodeId(bytes: Uint8Array, offset = 0): number {
  if (offset < 0 || offset + ID_BYTES > bytes.length) throw new RangeError(`no 8-byte message id at offset ${offset} of ${bytes.length} bytes`);
  return uint32At(bytes, offset) * 2 ** 32 + uint32At(bytes, offset + 4);
}

/** The big-endian u32 at `offset` of `bytes` (in range). */
function uint32At(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! * 2 ** 24 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!);
}

/**
 * How a message's value is stored, as the last byte of its key says: `bare`, the payload as it is (a message without
 * properties: the store copies the producer's bytes, as a raw put would); `enveloped`, the codec's envelope holding
 * properties and payload.
 */
export const VALUE_FORMAT = { bare: 0, enveloped: 1 } as const;

/** One of VALUE_FORMAT's bytes. */
export type ValueFormat = (typeof VALUE_FORMAT)[keyof typeof VALUE_FORMAT];

/** The key of message `id` of `topic`: topic bytes, "/", 8-byte id, the value's format byte. */
export function messageKey(topic: string, id: number, format: ValueFormat): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const key = Buffer.allocUnsafe(topicBytes.length + 1 + ID_BYTES + 1);
  topicBytes.copy(key, 0);
  key[topicBytes.length] = SEPARATOR;
  encodeId(id).copy(key, topicBytes.length + 1);
  key[key.length - 1] = format;
  return key;
}

/** The message id inside a message key. */
export function idOfMessageKey(key: Uint8Array): number {
  return decodeId(key, key.length - ID_BYTES - 1);
}

/** The format of the value stored under a message key. */
export function formatOfMessageKey(key: Uint8Array): number {
  return key[key.length - 1]!;
}

/** Inclusive key range covering ids [from, to] of `topic`, whatever their values' formats. */
export function messageRange(topic: string, from = 0, to = MAX_MESSAGE_ID): { gte: Buffer; lte: Buffer } {
  const lte = messageKey(topic, to, VALUE_FORMAT.bare);
  lte[lte.length - 1] = 0xff;
  return { gte: messageKey(topic, from, VALUE_FORMAT.bare), lte };
}

/** Zero-padded hex form of an id, for metadata keys that must sort by id. */
export function idText(id: number): string {
  return id.toString(16).padStart(16, '0');
}

/** Metadata keys (strings in the metadata key space). */
export const metaKey = {
  /** The layout of the message keys, written when the store is created. */
  layout: 'store/layout',
  topicCreated: (topic: string) => `topic/${topic}/created`,
  deletedThrough: (topic: string) => `topic/${topic}/deleted-through`,
  pagePrefix: (topic: string) => `topic/${topic}/page/`,
  page: (topic: string, endId: number) => `topic/${topic}/page/${idText(endId)}`,
  topicPrefix: (topic: string) => `topic/${topic}/`,
  groupPrefix: (topic: string) => `group/${topic}/`,
  group: (topic: string, group: string) => `group/${topic}/${group}`,
  allTopicsPrefix: 'topic/',
};
