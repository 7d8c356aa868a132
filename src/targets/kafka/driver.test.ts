import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KAFKA_READER_BELOW_BYTES, planConsumers } from './driver.js';

const reader = { binary: '/cache/kafka-reader', version: 'confluent-kafka-go v2.11.1 (librdkafka 2.11.1)' };

test('consumers follow the client unless consumerClient says otherwise; librdkafka reads small messages through kafka-reader', () => {
  assert.deepEqual(planConsumers({ client: 'confluent' }, reader), { library: 'confluent', reader, readerBelowBytes: KAFKA_READER_BELOW_BYTES, readerMissing: false });
  assert.equal(KAFKA_READER_BELOW_BYTES, 4096);
  assert.deepEqual(planConsumers({ client: 'kafkajs' }, reader), { library: 'kafkajs', readerBelowBytes: 0, readerMissing: false });
  assert.deepEqual(planConsumers({ client: 'kafkajs', consumerClient: 'confluent' }, reader).readerBelowBytes, KAFKA_READER_BELOW_BYTES);
  assert.deepEqual(planConsumers({ client: 'confluent', consumerClient: 'kafkajs' }, reader).library, 'kafkajs');
  assert.deepEqual(planConsumers({ client: 'confluent', consumerClient: 'confluent-go' }, reader).readerBelowBytes, Number.POSITIVE_INFINITY);
  assert.deepEqual(planConsumers({ client: 'confluent', consumerClient: 'confluent-binding' }, reader), { library: 'confluent', readerBelowBytes: 0, readerMissing: false });
});

test('without a built kafka-reader the default falls back to the binding and says so; confluent-go is an error naming the fix', () => {
  assert.deepEqual(planConsumers({ client: 'confluent' }, undefined), { library: 'confluent', readerBelowBytes: 0, readerMissing: true });
  assert.equal(planConsumers({ client: 'confluent', consumerClient: 'confluent-binding' }, undefined).readerMissing, false);
  assert.throws(() => planConsumers({ client: 'confluent', consumerClient: 'confluent-go' }, undefined), /settings\.consumerClient: confluent-go .* not built \(npx mqbench install kafka builds it\)/);
});
