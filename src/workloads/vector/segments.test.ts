import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeVectorMessage, encodeInsert, encodeTick } from './codec.js';
import { VectorGenerator } from './generator.js';
import { exactTopK, recallAtK } from './recall.js';
import { SegmentStore, TopK, type AnnIndex } from './segments.js';

function batch(generator: VectorGenerator, first: number, rows: number) {
  const pks = Float64Array.from({ length: rows }, (_, row) => first + row);
  const vectors = new Float32Array(rows * generator.dimension);
  for (let row = 0; row < rows; row++) generator.fillRow(first + row, vectors, row * generator.dimension);
  return { insertTs: 1, pks, scalars: Int32Array.from(pks, (pk) => generator.scalar(pk)), vectors, dimension: generator.dimension };
}

test('the generator is deterministic and clustered; query vectors differ from rows', () => {
  const a = new VectorGenerator(16, 8, 1);
  const b = new VectorGenerator(16, 8, 1);
  const rowA = new Float32Array(16);
  const rowB = new Float32Array(16);
  a.fillRow(42, rowA, 0);
  b.fillRow(42, rowB, 0);
  assert.deepEqual(rowA, rowB);
  assert.notDeepEqual(a.queryVector(42), rowA);
  assert.equal(a.scalar(1042), 42);
});

test('insert and tick bodies round-trip', () => {
  const generator = new VectorGenerator(8, 4, 2);
  const original = batch(generator, 100, 5);
  const decoded = decodeVectorMessage(encodeInsert(original));
  assert.equal(decoded.kind, 'insert');
  if (decoded.kind !== 'insert') return;
  assert.deepEqual([...decoded.pks], [100, 101, 102, 103, 104]);
  assert.deepEqual(decoded.vectors, original.vectors);
  assert.deepEqual(decoded.scalars, original.scalars);
  assert.deepEqual(decodeVectorMessage(encodeTick(12345.5)), { kind: 'tick', ts: 12345.5 });
});

test('segments seal at segmentRows; searches merge sealed and growing data exactly like one brute-force pass', () => {
  const generator = new VectorGenerator(16, 8, 3);
  const store = new SegmentStore(16, 100);
  const sealed = [...store.append(batch(generator, 0, 130)), ...store.append(batch(generator, 130, 120))];
  assert.deepEqual(sealed.map((segment) => segment.id), [0, 1]);
  assert.deepEqual(store.stats(), { rows: 250, sealed: 2, indexed: 0, growingRows: 50 });
  const query = generator.queryVector(7);
  const [exact] = exactTopK(generator, 250, [query], 10);
  assert.deepEqual(store.search(query, 10).map((hit) => hit.pk), exact);
  // An attached index is used for its segment (here one answering from a brute-force copy of the segment).
  const first = store.sealed[0]!;
  let used = 0;
  const index: AnnIndex = {
    searchKnn(vector, k) {
      used += 1;
      const top = new TopK(k);
      for (let row = 0; row < first.rows; row++) {
        let distance = 0;
        for (let d = 0; d < 16; d++) distance += (vector[d]! - first.vectors[row * 16 + d]!) ** 2;
        top.offer(row, distance);
      }
      return { neighbors: top.hits.map((hit) => hit.pk), distances: top.hits.map((hit) => hit.distance) };
    },
  };
  store.attachIndex(0, index);
  assert.deepEqual(store.search(query, 10).map((hit) => hit.pk), exact);
  assert.equal(used, 1);
  assert.equal(recallAtK([store.search(query, 10).map((hit) => hit.pk)], [exact!]), 1);
});

test('queries by scalar filter and by primary keys', () => {
  const generator = new VectorGenerator(4, 2, 4);
  const store = new SegmentStore(4, 1000);
  store.append(batch(generator, 0, 3000));
  assert.deepEqual(store.queryByScalar(5, 10), [5, 1005, 2005]);
  assert.equal(store.queryByPks([1, 2999, 5000]), 2);
});
