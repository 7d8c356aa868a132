import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import { InputError } from '../../util/errors.js';
import { parseScenario } from '../../scenario/load.js';

interface Compose {
  services: Record<string, { image: string; profiles?: string[]; volumes?: string[]; depends_on?: string[] }>;
}

test('docker-compose.milvus.yml has a Milvus per mq.type, each with a user.yaml setting that mq.type', async () => {
  const compose = parse(await readFile('docker-compose.milvus.yml', 'utf8'), { merge: true }) as Compose;
  for (const mq of ['rocksmq', 'natsmq', 'pulsar', 'kafka', 'woodpecker']) {
    const service = compose.services[`milvus-${mq}`];
    assert.ok(service, `milvus-${mq}`);
    assert.deepEqual(service.profiles, [mq]);
    assert.match(service.image, mq === 'woodpecker' ? /^milvusdb\/milvus:v2\.6\./ : /^milvusdb\/milvus:v2\.5\./, 'natsmq needs 2.3–2.5, woodpecker 2.6');
    const mount = service.volumes?.[0] ?? '';
    assert.equal(mount, `./docker/milvus/user-${mq}.yaml:/milvus/configs/user.yaml:ro`);
    const user = parse(await readFile(`docker/milvus/user-${mq}.yaml`, 'utf8')) as { mq: { type: string } };
    assert.equal(user.mq.type, mq);
    for (const dependency of ['etcd', 'minio']) assert.ok(compose.services[dependency]!.profiles!.includes(mq), `${dependency} runs with ${mq}`);
  }
  assert.ok(compose.services['milvus-pulsar']!.depends_on!.includes('pulsar'));
  assert.ok(compose.services['milvus-kafka']!.depends_on!.includes('kafka'));
});

test('the milvus target runs only the vector workload', () => {
  assert.throws(
    () => parseScenario('name: m\ntargets: [milvus]\nworkload: { type: pubsub, messages: 10 }\n', 'm.yaml', { env: {} }),
    (error: unknown) => error instanceof InputError && /target milvus \(milvus\) runs only the vector workload/.test(error.message),
  );
  const loaded = parseScenario('name: m\ntargets: [milvus]\nworkload: { type: vector, vectors: 1000 }\n', 'm.yaml', { env: {} });
  assert.equal(loaded.cases.length, 1);
});
