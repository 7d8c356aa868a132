import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { getGRPCService, LOADER_OPTIONS } from '@zilliz/milvus2-sdk-node';
import { MilvusBackend } from './backend.js';

type Request = Record<string, unknown>;
const ok = { error_code: 'Success', reason: '', code: 0 };
const field = (name: string, data_type: string, extra: Request = {}) => ({ name, data_type, fieldID: 0, type_params: [], ...extra });

/**
 * A fake Milvus proxy on the SDK's own service definition: it answers the calls the backend's search makes and keeps
 * every Search request as the server decoded it. Only the search path is isolated here; no Milvus runs on this machine.
 */
async function fakeProxy(hits: number[]) {
  const searches: Request[] = [];
  const queries: Request[] = [];
  const pkColumn = { type: 'Int64', field_name: 'pk', field_id: '100', scalars: { long_data: { data: hits.map(String) } } };
  const server = new Server();
  const service = (getGRPCService({ serviceName: 'milvus.proto.milvus.MilvusService' }, LOADER_OPTIONS) as unknown as { service: never }).service;
  const answer = (body: (request: Request) => Request) => (call: ServerUnaryCall<Request, Request>, callback: sendUnaryData<Request>) => callback(null, body(call.request));
  const handlers: Record<string, unknown> = {
    Connect: answer(() => ({ status: ok, server_info: { build_tags: 'fake' }, identifier: '1' })),
    DescribeCollection: answer((request) => ({
      status: ok,
      collection_name: request.collection_name,
      collectionID: '1',
      consistency_level: 'Strong',
      schema: {
        name: request.collection_name,
        fields: [field('pk', 'Int64', { is_primary_key: true }), field('category', 'Int32'), field('vector', 'FloatVector', { type_params: [{ key: 'dim', value: '4' }] })],
      },
    })),
    Search: answer((request) => {
      searches.push(request);
      return {
        status: ok,
        results: {
          num_queries: '1', top_k: String(hits.length),
          scores: hits.map((_, rank) => rank / 10), ids: { int_id: { data: hits.map(String) } },
          topks: [String(hits.length)],
          output_fields: ['pk'],
          // The output field the backend asks for, as Milvus returns it.
          fields_data: [pkColumn],
        },
      };
    }),
    Query: answer((request) => {
      queries.push(request);
      return { status: ok, collection_name: request.collection_name, output_fields: ['pk'], fields_data: [pkColumn] };
    }),
  };
  // Every other call answers UNIMPLEMENTED, as a proxy without it would.
  server.addService(service, new Proxy(handlers, { get: (target, name: string) => target[name] ?? ((_: unknown, callback: sendUnaryData<Request>) => callback({ code: status.UNIMPLEMENTED, details: name }, null)) }) as never);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return { address: `127.0.0.1:${port}`, searches, queries, stop: () => server.forceShutdown() };
}

test("the backend's searches and queries reach a gRPC proxy with each level as asked, Session's with the last insert's timestamp", async () => {
  const proxy = await fakeProxy([7, 3, 11]);
  const backend = new MilvusBackend(proxy.address, 'c', { dimension: 4, index: { M: 16, efConstruction: 64, efSearch: 32 } } as never);
  try {
    (backend as unknown as { lastInsertTimestamp: string }).lastInsertTimestamp = '463125372534702081';
    for (const level of ['Strong', 'Session', 'Bounded', 'Eventually'] as const) {
      const result = await backend.search(Float32Array.of(1, 0, 0, 0), 3, level);
      assert.deepEqual(result.pks, [7, 3, 11], `${level}: the hits in the proxy's order`);
      assert.equal((await backend.query('scalar', 2, level)).count, 3, `${level}: the rows the query returned`);
    }
    const sent = (requests: Request[]) => requests.map((request) => [request.consistency_level, request.guarantee_timestamp]);
    const asked = [
      ['Strong', '0'],
      ['Session', '463125372534702081'],
      ['Bounded', '0'],
      ['Eventually', '0'],
    ];
    assert.deepEqual(sent(proxy.searches), asked);
    assert.deepEqual(sent(proxy.queries), asked);
    assert.equal(proxy.searches[0]!.collection_name, 'c');
    assert.equal(proxy.queries[0]!.expr, 'category == 2');
  } finally {
    await backend.close().catch(() => undefined);
    proxy.stop();
  }
});
