import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { getGRPCService, LOADER_OPTIONS } from '@zilliz/milvus2-sdk-node';
import protobuf from 'protobufjs';
import { MilvusBackend } from './backend.js';

type Request = Record<string, unknown>;
const ok = { error_code: 'Success', reason: '', code: 0 };
const INSERT_TIMESTAMP = '463125372534702081';

/**
 * A fake Milvus proxy on the SDK's own service definition: it answers the calls the backend makes, as a Milvus would,
 * and keeps every request as the server decoded it. It isolates the backend and the SDK's wire; a real server's
 * behaviour is tested against Milvus Lite (lite.integration.test.ts).
 */
async function fakeProxy(hits: number[], overrides: Record<string, (request: Request) => Request> = {}) {
  const calls: Array<[string, Request]> = [];
  const server = new Server();
  const service = (getGRPCService({ serviceName: 'milvus.proto.milvus.MilvusService' }, LOADER_OPTIONS) as unknown as { service: never }).service;
  let schema: Request | undefined;
  let rows = 0;
  const pkColumn = { type: 'Int64', field_name: 'pk', field_id: '100', scalars: { long_data: { data: hits.map(String) } } };
  const handlers: Record<string, (request: Request) => Request> = {
    Connect: () => ({ status: ok, server_info: { build_tags: 'fake' }, identifier: '1' }),
    CreateCollection: (request) => {
      schema = SCHEMA_TYPE.toObject(SCHEMA_TYPE.decode(request.schema as Uint8Array), { longs: String, enums: String, defaults: true });
      return ok;
    },
    DescribeCollection: (request) => ({
      status: ok,
      collection_name: request.collection_name,
      collectionID: '1',
      consistency_level: 'Strong',
      properties: [],
      schema,
    }),
    CreateIndex: () => ok,
    LoadCollection: () => ok,
    GetLoadingProgress: () => ({ status: ok, progress: '100' }),
    Insert: (request) => {
      rows += Number(request.num_rows);
      return { status: ok, insert_cnt: String(request.num_rows), timestamp: INSERT_TIMESTAMP };
    },
    Search: () => ({
      status: ok,
      results: {
        num_queries: '1',
        top_k: String(hits.length),
        scores: hits.map((_, rank) => rank / 10),
        ids: { int_id: { data: hits.map(String) } },
        topks: [String(hits.length)],
        output_fields: ['pk'],
        // The output field the backend asks for, as Milvus returns it.
        fields_data: [pkColumn],
      },
    }),
    Query: (request) => ({ status: ok, collection_name: request.collection_name, output_fields: ['pk'], fields_data: [pkColumn] }),
    Flush: (request) => ({ status: ok, coll_segIDs: { [String((request.collection_names as string[])[0])]: { data: ['1'] } } }),
    GetFlushState: () => ({ status: ok, flushed: true }),
    DescribeIndex: () => ({ status: ok, index_descriptions: [{ index_name: 'vector', field_name: 'vector', indexed_rows: String(rows), total_rows: String(rows), state: 'Finished' }] }),
    DropCollection: () => ok,
    ...overrides,
  };
  // Each call is recorded; one the fake does not know answers UNIMPLEMENTED, as a proxy without it would.
  const implementation = new Proxy(handlers, {
    get: (target, name: string) => (call: ServerUnaryCall<Request, Request>, callback: sendUnaryData<Request>) => {
      calls.push([name, call.request]);
      const handler = target[name];
      if (handler) callback(null, handler(call.request));
      else callback({ code: status.UNIMPLEMENTED, details: name }, null);
    },
  });
  server.addService(service, implementation as never);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  /** The requests of every `name` call, in order. */
  const made = (name: string) => calls.filter(([call]) => call === name).map(([, request]) => request);
  return { address: `127.0.0.1:${port}`, made, stop: () => server.forceShutdown() };
}

/** CreateCollectionRequest carries its schema as encoded bytes: decoded with the gRPC service's own (snake_case) types. */
const SCHEMA_TYPE = protobuf.Root.fromJSON(createRequire(import.meta.url)('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus').default).lookupType(
  'milvus.proto.schema.CollectionSchema',
);

test('the backend drives a gRPC proxy through its whole life: each read at the level asked, Session with the last insert\'s timestamp', async () => {
  const proxy = await fakeProxy([7, 3, 11]);
  const backend = new MilvusBackend(proxy.address, 'c', { dimension: 4, index: { M: 16, efConstruction: 64, efSearch: 32 } } as never);
  const { made } = proxy;
  try {
    await backend.start();
    const [created] = made('CreateCollection');
    assert.equal(created!.consistency_level, 'Strong', "the collection's default level");
    const fields = (SCHEMA_TYPE.toObject(SCHEMA_TYPE.decode(created!.schema as Uint8Array), { enums: String }).fields as Request[]).map((field) => [field.name, field.data_type, field.is_primary_key ?? false]);
    assert.deepEqual(fields, [
      ['pk', 'Int64', true],
      ['category', 'Int32', false],
      ['vector', 'FloatVector', false],
    ]);
    assert.deepEqual((made('CreateIndex')[0]!.extra_params as Array<{ key: string; value: string }>).find((pair) => pair.key === 'index_type')?.value, 'HNSW');
    await backend.insert({ pks: [1, 2, 3], scalars: [0, 1, 2], dimension: 4, vectors: new Float32Array(12).fill(0.5) } as never);
    assert.equal(made('Insert')[0]!.num_rows, 3);
    const columns = Object.fromEntries((made('Insert')[0]!.fields_data as Request[]).map((column) => [column.field_name, column]));
    assert.deepEqual((columns.pk!.scalars as { long_data: { data: string[] } }).long_data.data, ['1', '2', '3']);
    assert.deepEqual((columns.category!.scalars as { int_data: { data: number[] } }).int_data.data, [0, 1, 2]);
    const vectors = columns.vector!.vectors as { dim: string; float_vector: { data: number[] } };
    assert.equal(vectors.dim, '4');
    assert.equal(vectors.float_vector.data.length, 12);
    for (const level of ['Strong', 'Session', 'Bounded', 'Eventually'] as const) {
      assert.deepEqual((await backend.search(Float32Array.of(1, 0, 0, 0), 3, level)).pks, [7, 3, 11], `${level}: the hits in the proxy's order`);
      assert.equal((await backend.query('scalar', 2, level)).count, 3, `${level}: the rows the query returned`);
    }
    const asked = [
      ['Strong', '0'],
      ['Session', INSERT_TIMESTAMP],
      ['Bounded', '0'],
      ['Eventually', '0'],
    ];
    const sent = (requests: Request[]) => requests.map((request) => [request.consistency_level, request.guarantee_timestamp]);
    assert.deepEqual(sent(made('Search')), asked);
    assert.deepEqual(sent(made('Query')), asked);
    assert.equal(made('Query')[0]!.expr, 'category == 2');
    await backend.settle();
    assert.equal((await backend.stats()).indexed, 3);
  } finally {
    await backend.close();
    proxy.stop();
  }
  assert.equal(made('DropCollection').length, 1);
});

test("a failure Milvus reports only in the status's code (error_code still \"Success\", as Milvus Lite and 2.3+ answer) fails the call with the server's reason", async () => {
  const reason = 'invalid index type: HNSW, local mode only support FLAT IVF_FLAT AUTOINDEX';
  const proxy = await fakeProxy([1], { CreateIndex: () => ({ error_code: 'Success', code: 65535, reason }) });
  const backend = new MilvusBackend(proxy.address, 'c', { dimension: 4, index: { M: 16, efConstruction: 64, efSearch: 32 } } as never);
  try {
    await assert.rejects(backend.start(), new RegExp(`Milvus createIndex failed: ${reason}`));
  } finally {
    await backend.close();
    proxy.stop();
  }
});

test("AUTOINDEX: the server's own index and search parameters, none of the workload's HNSW ones", async () => {
  const proxy = await fakeProxy([4]);
  const backend = new MilvusBackend(proxy.address, 'c', { dimension: 4, index: { M: 16, efConstruction: 64, efSearch: 32 } } as never, { indexType: 'AUTOINDEX' });
  const { made } = proxy;
  const pairs = (request: Request, field: string) => Object.fromEntries((request[field] as Array<{ key: string; value: string }>).map((pair) => [pair.key, pair.value]));
  try {
    await backend.start();
    const index = pairs(made('CreateIndex')[0]!, 'extra_params');
    assert.equal(index.index_type, 'AUTOINDEX');
    assert.equal(index.M, undefined);
    assert.equal(index.efConstruction, undefined);
    assert.deepEqual((await backend.search(Float32Array.of(1, 0, 0, 0), 1, 'Strong')).pks, [4]);
    const search = pairs(made('Search')[0]!, 'search_params');
    assert.ok(!('ef' in JSON.parse(search.params ?? '{}')), `search params: ${JSON.stringify(search)}`);
  } finally {
    await backend.close();
    proxy.stop();
  }
});
