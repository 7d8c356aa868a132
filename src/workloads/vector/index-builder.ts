/** Worker thread: builds an HNSW index (hnswlib-node) over a sealed segment's vectors and writes it to a file. */
import { parentPort } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import { serveRequests } from '../../util/worker.js';

serveRequests(parentPort!, (request) => {
  const { vectors, rows, dimension, M, efConstruction, path, seed } = request as unknown as {
    vectors: Float32Array;
    rows: number;
    dimension: number;
    M: number;
    efConstruction: number;
    path: string;
    seed: number;
  };
  const started = performance.now();
  const index = new hnswlib.HierarchicalNSW('l2', dimension);
  index.initIndex(rows, M, efConstruction, seed);
  const point = new Array<number>(dimension);
  for (let row = 0; row < rows; row++) {
    for (let d = 0; d < dimension; d++) point[d] = vectors[row * dimension + d]!;
    index.addPoint(point, row);
  }
  index.writeIndexSync(path);
  return { buildMs: performance.now() - started };
});
