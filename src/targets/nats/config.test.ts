import assert from 'node:assert/strict';
import { test } from 'node:test';
import { natsConfig } from './config.js';

const base = { host: '127.0.0.1', port: 4222, monitorPort: 8222, storeDir: '/data', maxPayload: 8388608, syncInterval: '2m' };

test('the JetStream ingest queue limits are written only when the scenario sets them', () => {
  assert.doesNotMatch(natsConfig(base), /max_buffered/);
  const tuned = natsConfig({ ...base, ingestQueue: { bytes: 2 ** 31, messages: 50_000 } });
  assert.match(tuned, /jetstream \{[^}]*max_buffered_size: 2147483648\n\s*max_buffered_msgs: 50000\n\}/);
});
