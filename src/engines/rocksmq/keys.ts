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

/** Decodes an 8-byte big-endian message id. */
export function decodeId(bytes: Uint8Array, offset = 0): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + offset, ID_BYTES);
  return view.readUInt32BE(0) * 2 ** 32 + view.readUInt32BE(4);
}

/** The key of message `id` of `topic`: topic bytes, "/", 8-byte id. */
export function messageKey(topic: string, id: number): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const key = Buffer.allocUnsafe(topicBytes.length + 1 + ID_BYTES);
  topicBytes.copy(key, 0);
  key[topicBytes.length] = SEPARATOR;
  encodeId(id).copy(key, topicBytes.length + 1);
  return key;
}

/** The message id inside a message key. */
export function idOfMessageKey(key: Uint8Array): number {
  return decodeId(key, key.length - ID_BYTES);
}

/** Inclusive key range covering ids [from, to] of `topic`. */
export function messageRange(topic: string, from = 0, to = MAX_MESSAGE_ID): { gte: Buffer; lte: Buffer } {
  return { gte: messageKey(topic, from), lte: messageKey(topic, to) };
}

/** Zero-padded hex form of an id, for metadata keys that must sort by id. */
export function idText(id: number): string {
  return id.toString(16).padStart(16, '0');
}

/** Metadata keys (strings in the metadata key space). */
export const metaKey = {
  topicCreated: (topic: string) => `topic/${topic}/created`,
  deletedThrough: (topic: string) => `topic/${topic}/deleted-through`,
  pagePrefix: (topic: string) => `topic/${topic}/page/`,
  page: (topic: string, endId: number) => `topic/${topic}/page/${idText(endId)}`,
  topicPrefix: (topic: string) => `topic/${topic}/`,
  groupPrefix: (topic: string) => `group/${topic}/`,
  group: (topic: string, group: string) => `group/${topic}/${group}`,
  allTopicsPrefix: 'topic/',
};
