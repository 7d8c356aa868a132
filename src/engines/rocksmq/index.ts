/** The RocksMQ-style embedded broker: a library with no benchmark code inside. */
export { READ_RUN_BYTES, RocksMQ, type StoredMessage, type SubscribePosition } from './broker.js';
export { type EngineMessage } from './codec.js';
export { defaultRocksMQOptions, type RocksMQOptions, type ResolvedRocksMQOptions } from './options.js';
