import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fileSizes, totalOf } from '../../metrics/storage.js';
import { requireInstalled } from '../../testing/brokers.js';
import { startTestMinio } from '../../testing/minio.js';
import type { WalEndpoint } from '../../targets/wal/driver.js';
import { S3ObjectStore } from './s3-store.js';

const MiB = 1024 * 1024;

test("MinIO: deleting a prefix with MinIO's force-delete gives the space back within seconds; a plain delete leaves it in MinIO's trash", { timeout: 120_000 }, async (t) => {
  await requireInstalled('wal');
  const minio = await startTestMinio(t, 'delete-test');
  const location = minio.endpoint as Extract<WalEndpoint, { backend: 's3' }>;
  const diskBytes = async () => totalOf(await fileSizes(minio.dataDir)).bytes;
  const stores = { plain: new S3ObjectStore({ ...location }), forced: new S3ObjectStore({ ...location, minioForceDelete: true }) };
  t.after(() => Promise.all(Object.values(stores).map((store) => store.close())));
  const before = await diskBytes();
  for (const [log, store] of Object.entries(stores)) {
    for (let block = 0; block < 8; block++) assert.ok(await store.putIfAbsent(`${log}/00000000/${block}.blk`, randomBytes(MiB)));
    assert.ok(await store.putIfAbsent(`kept-${log}/00000000/0.blk`, Buffer.from('stays')));
  }
  const written = (await diskBytes()) - before;
  assert.ok(written >= 16 * MiB, `both logs are on disk (${written} bytes)`);
  for (const [log, store] of Object.entries(stores)) {
    await store.deletePrefix(`${log}/`);
    assert.deepEqual(await store.list(`${log}/`), [], `${log}: nothing is listed under the prefix`);
    assert.deepEqual(await store.list(`kept-${log}/`), [`kept-${log}/00000000/0.blk`], `${log}: a key outside the prefix stays`);
  }
  // MinIO purges a force-deleted prefix in the background, at once; a plain delete waits for the trash's 5-minute sweep.
  let remaining = (await diskBytes()) - before;
  for (const deadline = Date.now() + 20_000; remaining > 9 * MiB && Date.now() < deadline; remaining = (await diskBytes()) - before) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(remaining > 7 * MiB, `the plainly deleted log's 8 MiB are still on disk, in MinIO's trash (${remaining} bytes remain)`);
  assert.ok(remaining <= 9 * MiB, `the force-deleted log's 8 MiB are gone within 20 s (${remaining} bytes remain of ${written})`);
});
