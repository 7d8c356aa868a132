/**
 * The stored form of a message with properties: an envelope holding them and the payload. A message without is stored
 * bare, its payload as it is (the key's format byte tells the two apart, keys.ts).
 */
import { asBuffer } from '../../util/buffer-view.js';
import { VALUE_FORMAT } from './keys.js';

const VERSION = 1;
const HEADER_BYTES = 5; // version (1) + properties length (4)

/** A message as produced and consumed. */
export interface EngineMessage {
  payload: Uint8Array;
  properties?: Record<string, string>;
}

/** Encodes a message value: version byte, u32 length of JSON properties, properties, payload. */
export function encodeValue(message: EngineMessage): Buffer {
  return encodeValueInto(message, undefined);
}

/**
 * Encodes a message value into `scratch` when it is large enough (a view of its start), else into a new buffer. A
 * scratch is for a value the store copies at once (a write batch's put) and that nothing keeps.
 */
export function encodeValueInto(message: EngineMessage, scratch: Buffer | undefined): Buffer {
  const properties =
    message.properties && Object.keys(message.properties).length > 0
      ? Buffer.from(JSON.stringify(message.properties), 'utf8')
      : undefined;
  const propertiesLength = properties?.length ?? 0;
  const bytes = HEADER_BYTES + propertiesLength + message.payload.byteLength;
  const value = scratch && scratch.length >= bytes ? scratch.subarray(0, bytes) : Buffer.allocUnsafe(bytes);
  value[0] = VERSION;
  value.writeUInt32BE(propertiesLength, 1);
  if (properties) properties.copy(value, HEADER_BYTES);
  value.set(message.payload, HEADER_BYTES + propertiesLength);
  return value;
}

/** Decodes a stored value; the payload is a view into `value`, not a copy. */
export function decodeValue(value: Uint8Array): EngineMessage {
  if (value[0] !== VERSION) throw new Error(`unknown message value version ${value[0]}`);
  // The stores hand back Buffers; a view of anything else (another Uint8Array) costs an object per message.
  const view = asBuffer(value);
  const propertiesLength = view.readUInt32BE(1);
  const payload = view.subarray(HEADER_BYTES + propertiesLength);
  if (propertiesLength === 0) return { payload };
  const properties = JSON.parse(view.toString('utf8', HEADER_BYTES, HEADER_BYTES + propertiesLength)) as Record<
    string,
    string
  >;
  return { payload, properties };
}

/** True when `message` is stored bare: it has no properties. */
export function storedBare(message: EngineMessage): boolean {
  return !message.properties || Object.keys(message.properties).length === 0;
}

/** Decodes a value stored in `format` (its key's last byte); the payload is `value` itself or a view into it. */
export function decodeStored(format: number, value: Buffer): EngineMessage {
  if (format === VALUE_FORMAT.bare) return { payload: value };
  if (format === VALUE_FORMAT.enveloped) return decodeValue(value);
  throw new Error(`unknown message value format ${format}`);
}
