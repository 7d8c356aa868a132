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

/** No server: the SDK's own protobuf root (as its client loads it), and a collection as describeCollection returns it. */
async function searchFixture() {
  const { ConsistencyLevelEnum, DataType } = await import('@zilliz/milvus2-sdk-node');
  const { COLLECTION_CONSISTENCY } = await import('./consistency.js');
  const milvusProto = (await import('./backend.js')).milvusProto();
  const vectorField = { name: 'vector', data_type: 'FloatVector', dataType: DataType.FloatVector, type_params: [{ key: 'dim', value: '4' }], dim: 4 };
  const collectionInfo = {
    // What createCollection stores with the backend's consistency_level (the SDK maps the name to the enum).
    consistency_level: ConsistencyLevelEnum[COLLECTION_CONSISTENCY],
    schema: { fields: [{ name: 'pk', data_type: 'Int64', dataType: DataType.Int64, is_primary_key: true }, vectorField] },
    anns_fields: { vector: vectorField },
  };
  return { milvusProto, collectionInfo };
}

test("every consistency level reaches the wire request as asked, in a collection created with the backend's default", async () => {
  const { buildSearchRequest, ConsistencyLevelEnum } = await import('@zilliz/milvus2-sdk-node');
  const { LEVELS, searchRequest } = await import('./backend.js');
  const { milvusProto: root, collectionInfo } = await searchFixture();
  const milvusProto = root as never;
  for (const level of ['Strong', 'Bounded', 'Session', 'Eventually'] as const) {
    const params = searchRequest('c', Float32Array.of(1, 2, 3, 4), 10, 64, level);
    const { request } = buildSearchRequest(params as never, collectionInfo as never, milvusProto);
    assert.equal((request as { consistency_level: number }).consistency_level, LEVELS[level], `${level} is sent as ${level}`);
  }
  // The collection default the SDK would have used otherwise (Bounded) turns a Strong request into a Bounded one.
  const bounded = { ...collectionInfo, consistency_level: ConsistencyLevelEnum.Bounded };
  const { request } = buildSearchRequest(searchRequest('c', Float32Array.of(1, 2, 3, 4), 10, 64, 'Strong') as never, bounded as never, milvusProto);
  assert.equal((request as { consistency_level: number }).consistency_level, ConsistencyLevelEnum.Bounded);
});

test('a Session search carries the last insert timestamp on the wire, as encoded by the SDK; the other levels carry none', async () => {
  const { buildSearchRequest, getGRPCService, LOADER_OPTIONS } = await import('@zilliz/milvus2-sdk-node');
  const { LEVELS, searchRequest, wireSearchRequest } = await import('./backend.js');
  const { milvusProto, collectionInfo } = await searchFixture();
  // The client's own service definition and loader options: requestSerialize is what goes on the wire.
  const service = getGRPCService({ serviceName: 'milvus.proto.milvus.MilvusService' }, LOADER_OPTIONS) as unknown as {
    service: { Search: { requestSerialize(request: unknown): Buffer } };
  };
  const SearchRequest = milvusProto.lookupType('milvus.proto.milvus.SearchRequest');
  const lastInsert = '463125372534702081';
  for (const level of ['Strong', 'Bounded', 'Session', 'Eventually'] as const) {
    const { request } = wireSearchRequest(searchRequest('c', Float32Array.of(1, 2, 3, 4), 10, 64, level), collectionInfo as never, milvusProto, lastInsert);
    const sent = SearchRequest.toObject(SearchRequest.decode(service.service.Search.requestSerialize(request)), { longs: String, enums: Number });
    assert.equal(sent.consistencyLevel ?? 0, LEVELS[level], `${level} is sent as ${level}`);
    assert.equal(sent.guaranteeTimestamp ?? '0', level === 'Session' ? lastInsert : '0', `${level}'s guarantee`);
    assert.equal(sent.collectionName, 'c');
    assert.equal(sent.nq, '1');
  }
  // Why the backend adds it: the SDK's builder drops a guarantee given with the search's parameters.
  const { request } = buildSearchRequest({ ...searchRequest('c', Float32Array.of(1, 2, 3, 4), 10, 64, 'Session'), guarantee_timestamp: lastInsert } as never, collectionInfo as never, milvusProto as never);
  assert.equal((request as { guarantee_timestamp?: string }).guarantee_timestamp, undefined);
});

test('an mq.type the Milvus release or deployment does not offer is invalid input (exit 2), with the reason', () => {
  const scenario = (settings: string) => `name: m\ntargets: [{ name: milvus, type: milvus, settings: ${settings} }]\nworkload: { type: vector, vectors: 1000 }\n`;
  const rejects = (settings: string, reason: RegExp) =>
    assert.throws(() => parseScenario(scenario(settings), 'm.yaml', { env: {} }), (error: unknown) => error instanceof InputError && reason.test(error.message));
  rejects('{ mqType: natsmq, version: "2.6" }', /settings\.mqType: natsmq was removed in Milvus 2\.6; 2\.6 does not have it/);
  rejects('{ mqType: woodpecker, version: "2.5.4" }', /woodpecker arrived in Milvus 2\.6; 2\.5\.4 does not have it/);
  rejects('{ mqType: rocksmq, deployment: cluster }', /rocksmq runs only in a standalone Milvus/);
  for (const fine of ['{ mqType: natsmq, version: "2.5" }', '{ mqType: woodpecker, version: "2.6.3" }', '{ mqType: kafka, deployment: cluster }', '{ mqType: rocksmq, version: "2.6" }']) {
    assert.equal(parseScenario(scenario(fine), 'm.yaml', { env: {} }).cases.length, 1, fine);
  }
});

test('Milvus credentials come from the settings, files or MQBENCH_MILVUS_*; the manifest names only their kind', async () => {
  const { milvusCredentials, milvusTarget } = await import('./target.js');
  assert.deepEqual(await milvusCredentials({ username: 'root', password: 'Milvus' }, {}), { username: 'root', password: 'Milvus' });
  assert.deepEqual(await milvusCredentials({}, { MQBENCH_MILVUS_TOKEN: 'root:Milvus' }), { token: 'root:Milvus' });
  await assert.rejects(milvusCredentials({ username: 'root' }, {}), /Milvus user given without a password/);
  await assert.rejects(milvusCredentials({ tokenFile: '/no/such/token' }, {}), /settings\.tokenFile: cannot read \/no\/such\/token/);
  const instance = await milvusTarget.provision('external', { name: 'milvus', dir: '', logDir: '', settings: { address: 'h:19530', deployment: 'standalone', username: 'root', password: 'Milvus' }, signal: new AbortController().signal } as never);
  assert.equal(instance.info.authentication, 'user root with a password');
  assert.equal(JSON.stringify(instance.info).includes('Milvus"'), false, 'no password in the instance info');
  assert.deepEqual(instance.endpoint.credentials, { username: 'root', password: 'Milvus' }, 'the worker gets them with the endpoint');
});
