import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectRocksmq } from '../rocksmq/driver.js';
import { rocksmqSettingsSchema } from '../rocksmq/settings.js';
import { closeWhenDone, tempDir } from '../../testing/temp-dir.js';
import { connectEngineHost } from './client.js';
import { serveEngine } from './server.js';

test('the engine host serves an engine on a socket: writes acknowledged with the engine ids, readers by group from the start, errors as errors', async (t) => {
  const dir = await tempDir(t, 'mqbench-host-');
  const engine = await connectRocksmq(join(dir, 'data'), rocksmqSettingsSchema.parse({}));
  const server = await serveEngine(engine, join(dir, 'engine.sock'));
  const client = await connectEngineHost(join(dir, 'engine.sock'), 'rocksmq');
  closeWhenDone(t, async () => {
    await client.close();
    server.close();
    await engine.close();
  });
  const described = await client.describe();
  assert.equal(described.durability.fsyncBeforeAck, false);
  assert.ok(described.notes.some((note) => /runs in a process of its own \(the rocksmq engine host\)/.test(note)), described.notes.join('\n'));
  assert.ok(described.notes.some((note) => /no raw-store calibration \(toolCeiling/.test(note)), 'says the client is not measured against its raw engine here');

  await client.createTopic('t');
  const producer = await client.producer('t');
  const ids = [];
  for (let index = 0; index < 5; index++) ids.push(await producer.send(Buffer.from(`message ${index}`)));
  assert.equal(new Set(ids).size, 5, `distinct ids from the engine: ${ids.join(', ')}`);

  const received: string[] = [];
  const consumer = await client.consumer('t', { group: 'g', from: 'earliest', onMessage: (payload) => received.push(Buffer.from(payload).toString()), onError: (error) => assert.fail(error) });
  for (let waited = 0; received.length < 5 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(received, ['message 0', 'message 1', 'message 2', 'message 3', 'message 4']);
  await consumer.close();
  await producer.close();

  const absent = await client.producer('absent');
  await assert.rejects(absent.send(Buffer.from('x')), /the rocksmq engine host: topic absent does not exist/);
});
