/**
 * The vector workload against a real Milvus (@zilliz/milvus2-sdk-node): a collection (pk int64, category int32,
 * vector float[d]) with an HNSW index, loaded before inserts start so growing data is searchable; inserts in
 * batches; searches and queries with Milvus's own consistency levels. Milvus applies the guarantee itself, so the
 * wait for the serviceable time is inside its latency (waitedMs is reported as 0).
 */
import { buildSearchRequest, ConsistencyLevelEnum, DataType, formatSearchResult, MilvusClient, promisify } from '@zilliz/milvus2-sdk-node';
import type { DescribeCollectionResponse, SearchRes } from '@zilliz/milvus2-sdk-node';
import protobuf from 'protobufjs';
import { createRequire } from 'node:module';
import type { BackendStats, ConsistencyLevel, RowBatch, SearchResult, VectorBackend, VectorCollectionSpec } from '../vector-store.js';
import { COLLECTION_CONSISTENCY } from './consistency.js';

/** How long settle() waits for the index to cover every inserted row. */
const INDEX_WAIT_MS = 600_000;
/** How long an index that counts no rows at all after the flush is polled before settle() takes the server to count none. */
const UNCOUNTED_INDEX_WAIT_MS = 10_000;

/** The vector index the collection is built with: HNSW with the workload's M and efConstruction, or the server's choice. */
export type MilvusIndexType = 'HNSW' | 'AUTOINDEX';

/** The SDK's level for each of the workload's. */
export const LEVELS: Record<ConsistencyLevel, ConsistencyLevelEnum> = {
  Strong: ConsistencyLevelEnum.Strong,
  Bounded: ConsistencyLevelEnum.Bounded,
  Session: ConsistencyLevelEnum.Session,
  Eventually: ConsistencyLevelEnum.Eventually,
};

/** A Milvus response's status. Milvus 2.3 on says a failure in `code` (error_code may still read "Success"). */
export interface MilvusStatus {
  error_code?: string | number;
  code?: string | number;
  reason?: string;
}

/** Throws the server's reason when `status` says the call failed, in either of its fields. */
export function checkStatus(status: MilvusStatus | undefined, what: string): void {
  if (!status) return;
  const legacyFailed = status.error_code !== undefined && status.error_code !== 'Success' && status.error_code !== 0;
  const failed = status.code !== undefined && Number(status.code) !== 0;
  if (legacyFailed || failed) throw new Error(`Milvus ${what} failed: ${status.reason || `code ${status.code ?? status.error_code}`}`);
}

/** The search request the backend sends for one vector at `level` (the SDK builds the wire request from it). */
export function searchRequest(collection: string, vector: Float32Array, k: number, ef: number, level: ConsistencyLevel, indexType: MilvusIndexType = 'HNSW') {
  // AUTOINDEX takes the server's own search parameters.
  const params = indexType === 'HNSW' ? { ef } : {};
  return { collection_name: collection, data: [Array.from(vector)], limit: k, params, consistency_level: LEVELS[level], output_fields: ['pk'] };
}

/** The SDK's protobuf root, as its client loads it (buildSearchRequest encodes the query vectors with it). */
let milvusRoot: protobuf.Root | undefined;
export function milvusProto(): protobuf.Root {
  milvusRoot ??= protobuf.Root.fromJSON(createRequire(import.meta.url)('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.base').default);
  return milvusRoot;
}

/**
 * The wire request of one search: the SDK's own builder, and for Session the guarantee timestamp it leaves out.
 * The SDK's search() builds its request field by field and has no field for the guarantee, so a Session search
 * reached the proxy with none and was served as Eventually; the proxy keeps the guarantee a Session request carries
 * (Strong, Bounded and Eventually replace it), as pymilvus and the Go SDK send it.
 */
export function wireSearchRequest(
  params: ReturnType<typeof searchRequest>,
  collectionInfo: DescribeCollectionResponse,
  proto: protobuf.Root,
  lastInsertTimestamp: string,
): { request: Record<string, unknown>; roundDecimal: number } {
  const { request, round_decimal } = buildSearchRequest(params, collectionInfo, proto);
  const session = params.consistency_level === ConsistencyLevelEnum.Session;
  return { request: session ? { ...request, guarantee_timestamp: lastInsertTimestamp } : request, roundDecimal: round_decimal ?? -1 };
}

/** A Milvus collection as the vector workload's backend. */
export class MilvusBackend implements VectorBackend {
  readonly description: string;
  private readonly client: MilvusClient;
  private inserted = 0;
  /** The last insert's timestamp: a Session read's guarantee (reads see this session's writes). */
  private lastInsertTimestamp = '0';
  private readonly indexType: MilvusIndexType;
  /** Set when the server's index description counts no rows at all (Milvus Lite): recall is then not on a known index. */
  private indexNote: string | undefined;

  constructor(
    address: string,
    private readonly collection: string,
    private readonly params: VectorCollectionSpec,
    options: { credentials?: MilvusCredentials; indexType?: MilvusIndexType } = {},
  ) {
    this.client = new MilvusClient({ address, ...options.credentials });
    this.indexType = options.indexType ?? 'HNSW';
    this.description = `Milvus at ${address}, collection ${collection} (${this.indexType})`;
  }

  async start(): Promise<void> {
    const { params } = this;
    checkStatus(
      await this.client.createCollection({
        collection_name: this.collection,
        consistency_level: COLLECTION_CONSISTENCY,
        fields: [
          { name: 'pk', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'category', data_type: DataType.Int32 },
          { name: 'vector', data_type: DataType.FloatVector, dim: params.dimension },
        ],
      }),
      'createCollection',
    );
    checkStatus(
      await this.client.createIndex({
        collection_name: this.collection,
        field_name: 'vector',
        index_type: this.indexType,
        metric_type: 'L2',
        params: this.indexType === 'HNSW' ? { M: params.index.M, efConstruction: params.index.efConstruction } : {},
      }),
      'createIndex',
    );
    checkStatus(await this.client.loadCollectionSync({ collection_name: this.collection }), 'loadCollection');
  }

  async insert(batch: RowBatch): Promise<void> {
    const data = Array.from(batch.pks, (pk, row) => ({
      pk,
      category: batch.scalars[row]!,
      vector: Array.from(batch.vectors.subarray(row * batch.dimension, (row + 1) * batch.dimension)),
    }));
    const result = await this.client.insert({ collection_name: this.collection, data });
    checkStatus(result.status, 'insert');
    this.inserted += batch.pks.length;
    if (result.timestamp) this.lastInsertTimestamp = result.timestamp;
  }

  async search(vector: Float32Array, k: number, level: ConsistencyLevel): Promise<SearchResult> {
    // The SDK's search(), with the request built by wireSearchRequest: describe (cached), build, call, format.
    const collectionInfo = await this.client.describeCollection({ collection_name: this.collection, cache: true });
    checkStatus(collectionInfo.status, 'describeCollection');
    const params = searchRequest(this.collection, vector, k, this.params.index.efSearch, level, this.indexType);
    const { request, roundDecimal } = wireSearchRequest(params, collectionInfo, milvusProto(), this.lastInsertTimestamp);
    const result = (await promisify(this.client.channelPool, 'Search', request, this.client.timeout)) as SearchRes;
    checkStatus(result.status, 'search');
    if (result.results.scores.length === 0) return { pks: [], waitedMs: 0 };
    // Each hit carries the output fields asked for (the SDK 2.6 formatter adds no `id`).
    const hits = formatSearchResult(result, { round_decimal: roundDecimal })[0] as Array<{ pk: string | number }> | undefined;
    return { pks: (hits ?? []).map((hit) => Number(hit.pk)), waitedMs: 0 };
  }

  async query(kind: 'scalar' | 'pks', argument: number | number[], level: ConsistencyLevel): Promise<{ count: number; waitedMs: number }> {
    const filter = kind === 'scalar' ? `category == ${argument as number}` : `pk in [${(argument as number[]).join(', ')}]`;
    const result = await this.client.query({
      collection_name: this.collection,
      filter,
      limit: 100,
      output_fields: ['pk'],
      consistency_level: LEVELS[level],
      // The query request carries it to the proxy (its QueryRequest field), which serves Session reads from it.
      ...(level === 'Session' ? { guarantee_timestamp: this.lastInsertTimestamp } : {}),
    } as Parameters<MilvusClient['query']>[0]);
    checkStatus(result.status, 'query');
    return { count: result.data.length, waitedMs: 0 };
  }

  /**
   * Flushes, then waits until the index covers every inserted row (recall is measured on an index that does). A
   * server whose index description counts no rows at all, neither indexed nor total, while saying the build is finished
   * (Milvus Lite) is polled for UNCOUNTED_INDEX_WAIT_MS and then taken at its word, with a note in the stats.
   */
  async settle(): Promise<void> {
    await this.client.flushSync({ collection_names: [this.collection] });
    const started = performance.now();
    for (;;) {
      const index = await this.indexProgress();
      if (index.indexed >= this.inserted) return;
      const waited = performance.now() - started;
      if (this.inserted > 0 && index.total === 0 && index.indexed === 0 && index.state === 'Finished' && waited > UNCOUNTED_INDEX_WAIT_MS) {
        this.indexNote = `the server's index description counted no rows ${Math.round(waited / 1000)} s after the flush of ${this.inserted} (state Finished): recall was measured on whatever index it searches`;
        return;
      }
      if (waited > INDEX_WAIT_MS) {
        throw new Error(`Milvus indexed ${index.indexed} of ${this.inserted} rows within ${INDEX_WAIT_MS / 1000} s of the flush`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async stats(): Promise<BackendStats> {
    const { indexed } = await this.indexProgress();
    return { rows: this.inserted, sealed: 0, indexed, growingRows: 0, indexBuildSeconds: 0, ...(this.indexNote ? { note: this.indexNote } : {}) };
  }

  /** The vector index's progress as describeIndex gives it: rows indexed, rows it knows of, and its state. */
  private async indexProgress(): Promise<{ indexed: number; total: number; state: string }> {
    const result = await this.client.describeIndex({ collection_name: this.collection, field_name: 'vector' });
    checkStatus(result.status, 'describeIndex');
    const [index] = result.index_descriptions;
    return { indexed: Number(index?.indexed_rows ?? 0), total: Number(index?.total_rows ?? 0), state: String(index?.state ?? '') };
  }

  async close(): Promise<void> {
    await this.client.dropCollection({ collection_name: this.collection }).catch(() => undefined);
    await this.client.closeConnection();
  }

}

/** Credentials for a Milvus with authentication: a user and password, or a token ("user:password" or an API key). */
export interface MilvusCredentials {
  username?: string;
  password?: string;
  token?: string;
}

/** The version of the Milvus server at `address` ("unknown (…)" when it does not say, as Milvus Lite does not). */
export async function serverVersion(address: string, credentials: MilvusCredentials = {}): Promise<string> {
  const client = new MilvusClient({ address, ...credentials });
  try {
    const answer = await client.getVersion();
    checkStatus((answer as { status?: MilvusStatus }).status, 'getVersion');
    return answer.version || 'unknown (the server gave no version)';
  } finally {
    await client.closeConnection();
  }
}
