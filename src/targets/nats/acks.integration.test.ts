import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { requireInstalled } from '../../testing/brokers.js';
import type { LogDriver } from '../driver.js';
import { natsSettingsSchema } from './settings.js';
import { natsTarget } from './target.js';

before(() => requireInstalled('nats'));

for (const consumer of ['durable-pull', 'ephemeral-push'] as const) {
  test(`nats (${consumer}): every delivered message is acknowledged on the server — the ack floor reaches the last one and nothing stays pending`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'mqbench-nats-acks-'));
    const server = await natsTarget.provision('local', { name: 'nats', dir, logDir: dir, settings: natsSettingsSchema.parse({}), signal: new AbortController().signal });
    t.after(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const settings = natsSettingsSchema.parse({ consumer });
    const driver = (await natsTarget.connect(server.endpoint, settings, { trialIndex: 1 })) as LogDriver;
    t.after(() => driver.close());
    const described = await driver.describe();
    if (consumer === 'durable-pull') assert.match(String(described.settings.consumer), /a turn's acks as one command of PUB frames/);
    const messages = 3000;
    await driver.createTopic('acks');
    const producer = await driver.producer('acks');
    await Promise.all(Array.from({ length: messages }, (_, index) => producer.send(Buffer.from(`message ${index}`))));
    let delivered = 0;
    const reader = await driver.consumer('acks', { group: 'g', from: 'earliest', messageBytes: 12, onMessage: () => void (delivered += 1), onError: (error) => assert.fail(error) });
    for (let waited = 0; delivered < messages && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(delivered, messages);
    // The server's own account of the consumer: every message acknowledged (acks go out at the end of a turn).
    const connection = await connect({ servers: String(server.endpoint.servers) });
    t.after(() => connection.close());
    const manager = await jetstreamManager(connection);
    const [name] = (await manager.consumers.list('acks').next()).map((entry) => entry.name);
    let info = await manager.consumers.info('acks', name!);
    for (let waited = 0; (info.ack_floor.stream_seq < messages || info.num_ack_pending > 0) && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      info = await manager.consumers.info('acks', name!);
    }
    assert.equal(info.num_ack_pending, 0, JSON.stringify(info));
    assert.equal(info.ack_floor.stream_seq, messages);
    assert.equal(info.num_redelivered, 0);
    await reader.close();
  });
}
