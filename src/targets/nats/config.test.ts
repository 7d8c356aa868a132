import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSyncInForce, natsConfig, syncIntervalNanos } from './config.js';

const base = { host: '127.0.0.1', port: 4222, monitorPort: 8222, storeDir: '/data', maxPayload: 8388608, syncInterval: '2m' };

test('the JetStream ingest queue limits are written only when the scenario sets them', () => {
  assert.doesNotMatch(natsConfig(base), /max_buffered/);
  const tuned = natsConfig({ ...base, ingestQueue: { bytes: 2 ** 31, messages: 50_000 } });
  assert.match(tuned, /jetstream \{[^}]*max_buffered_size: 2147483648\n\s*max_buffered_msgs: 50000\n\}/);
});

test('the sync interval is written quoted (unquoted, nats-server reads 2m as 2,000,000 s) and checked against /varz', () => {
  assert.match(natsConfig(base), /\n  sync_interval: "2m"\n/);
  assert.equal(syncIntervalNanos('2m'), 120e9);
  assert.equal(syncIntervalNanos('100ms'), 1e8);
  assert.equal(syncIntervalNanos('always'), 'always');
  // What nats-server 2.15.2 reported here for the unquoted and the quoted line, and for "always".
  const varz = (config: object) => ({ jetstream: { config } });
  assert.deepEqual(checkSyncInForce(varz({ sync_interval: 120000000000 }), '2m'), { inForce: '120000000000 ns' });
  assert.match(checkSyncInForce(varz({ sync_interval: 2000000000000000 }), '2m').mismatch!, /runs with sync_interval 2000000000000000 ns where mqbench asked for 2m/);
  assert.deepEqual(checkSyncInForce(varz({ sync_interval: 120000000000, sync_always: true }), 'always'), { inForce: 'always' });
  assert.match(checkSyncInForce(varz({ sync_interval: 120000000000, sync_always: true }), '2m').mismatch!, /runs with sync_interval always/);
  assert.match(checkSyncInForce({}, '2m').mismatch!, /no jetstream.config/);
});
