import { PULSAR_FSYNC, pulsarSettingsSchema } from './settings.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyConf, pulsarJvm, pulsarOverrides } from './config.js';
import { bookiePortInUse } from './target.js';

test('overrides replace existing keys in place and append missing ones', () => {
  const template = '# comment\nbrokerServicePort=6650\njournalSyncData=false\nunrelated=1\n';
  const text = applyConf(template, { brokerServicePort: '7000', journalSyncData: 'true', maxMessageSize: '10' });
  assert.match(text, /^brokerServicePort=7000$/m);
  assert.match(text, /^journalSyncData=true$/m);
  assert.match(text, /^unrelated=1$/m);
  assert.match(text, /# added by mqbench\nmaxMessageSize=10/);
  assert.equal(text.match(/brokerServicePort=/g)?.length, 1);
});

test('5 MB payloads fit: message, bookie frame and WebSocket frame sizes grow with maxMessageSize', () => {
  const overrides = pulsarOverrides({ advertisedAddress: '127.0.0.1', bindAddress: '127.0.0.1', brokerServicePort: 1, webServicePort: 2, maxMessageSize: 10 * 1024 * 1024, journalSyncData: true });
  assert.ok(Number(overrides.nettyMaxFrameSizeBytes) > 10 * 1024 * 1024);
  assert.ok(Number(overrides.webSocketMaxTextFrameSize) > (10 * 1024 * 1024 * 4) / 3, 'base64 of the largest message fits one text frame');
  assert.equal(overrides.journalSyncData, 'true');
  assert.deepEqual(pulsarJvm('1g', '512m'), {
    PULSAR_MEM: '-Xms1g -Xmx1g -XX:MaxDirectMemorySize=512m',
    PULSAR_GC: '-XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1',
  });
});

test("the durability setting's description states what a standalone does, in the words the manifest uses", () => {
  const description = pulsarSettingsSchema.shape.durability.description ?? '';
  assert.ok(description.includes(PULSAR_FSYNC.default) && description.includes(PULSAR_FSYNC.fsync), description);
  assert.match(PULSAR_FSYNC.default, /journalSyncData=false/, 'as standalone.conf ships it (the config test above writes it only for fsync)');
});

test("journalSyncData in force is read from the configuration the standalone logs at start", async () => {
  const { journalSyncDataInForce } = await import('./target.js');
  assert.equal(journalSyncDataInForce('  "tlsCertRefreshCheckDurationSec" : "300",\n  "journalSyncData" : "false",\n'), 'false');
  assert.equal(journalSyncDataInForce('"journalSyncData" : "true"'), 'true');
  assert.equal(journalSyncDataInForce('no configuration dump'), undefined);
});

test('the bookie binds loopback when the broker does, and its port is read from the startup log', () => {
  const overrides = pulsarOverrides({ advertisedAddress: '127.0.0.1', bindAddress: '127.0.0.1', brokerServicePort: 1, webServicePort: 2, maxMessageSize: 1024, journalSyncData: false });
  assert.equal(overrides.listeningInterface, 'lo');
  assert.equal(overrides.allowLoopback, 'true');
  assert.equal(bookiePortInUse('INFO  org.apache.bookkeeper.proto.BookieNettyServer - Binding bookie-rpc endpoint to /127.0.0.1:34675'), 34675);
  assert.equal(bookiePortInUse('no bookie here'), undefined);
});
