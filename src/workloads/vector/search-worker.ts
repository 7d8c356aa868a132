/**
 * Worker thread: the query node's segments. It takes consumed rows, seals full segments and has them indexed by a
 * builder thread (so searches never wait for an index build), attaches the built index, and answers searches and
 * queries. Everything CPU-heavy about reading runs here, off the harness's event loop.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import { serveRequests, startWorker, WorkerClient } from '../../util/worker.js';
import { SegmentStore } from './segments.js';

interface Setup {
  dimension: number;
  segmentRows: number;
  M: number;
  efConstruction: number;
  efSearch: number;
  indexDir: string;
  seed: number;
}

const setup = workerData as Setup;
const store = new SegmentStore(setup.dimension, setup.segmentRows);
const builder = new WorkerClient(startWorker(new URL('./index-builder.ts', import.meta.url)));
let building = 0;
let buildMs = 0;
let built = 0;

function indexSealed(ids: number[]): void {
  for (const id of ids) {
    const segment = store.sealed.find((candidate) => candidate.id === id)!;
    const path = join(setup.indexDir, `segment-${id}.hnsw`);
    building += 1;
    const vectors = segment.vectors.slice();
    void builder
      .call<{ buildMs: number }>({ vectors, rows: segment.rows, dimension: setup.dimension, M: setup.M, efConstruction: setup.efConstruction, path, seed: setup.seed }, [vectors.buffer as ArrayBuffer])
      .then((result) => {
        const index = new hnswlib.HierarchicalNSW('l2', setup.dimension);
        index.readIndexSync(path);
        index.setEf(setup.efSearch);
        store.attachIndex(id, index as never);
        buildMs += result.buildMs;
        built += 1;
      })
      .finally(() => (building -= 1));
  }
}

serveRequests(parentPort!, (request) => {
  switch (request.type) {
    case 'append': {
      const full = store.append(request as never);
      indexSealed(full.map((segment) => segment.id));
      return store.stats().rows;
    }
    case 'search':
      return store.search(request.vector as Float32Array, request.k as number);
    case 'query-scalar':
      return store.queryByScalar(request.value as number, request.limit as number).length;
    case 'query-pks':
      return store.queryByPks(request.pks as number[]);
    case 'stats':
      return { ...store.stats(), building, built, buildMs };
    case 'settle':
      return new Promise((resolve) => {
        const check = () => (building === 0 ? resolve(store.stats()) : setTimeout(check, 20));
        check();
      });
    case 'close':
      return builder.close().then(() => true);
    default:
      throw new Error(`unknown request ${String(request.type)}`);
  }
});
