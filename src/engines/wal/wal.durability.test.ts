import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { crc32 } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TOOL_ROOT } from '../../util/tool-root.js';
import { requireInstalled } from '../../testing/brokers.js';
import { startTestMinio } from '../../testing/minio.js';
import { tempDir } from '../../testing/temp-dir.js';
import { checkWalTestEntry, walTestEntry } from '../../testing/wal-entries.js';
import { walStore, type LocalLayout, type WalEndpoint } from '../../targets/wal/driver.js';
import { CorruptBlockError } from './block.js';
import { formatEntryId, parseEntryId, type EntryId } from './entry-id.js';
import { S3ObjectStore } from './s3-store.js';
import { Wal } from './wal.js';
import { FencedError, WriterStoppedError } from './writer.js';

function open(endpoint: WalEndpoint, layout: LocalLayout = 'file-per-segment'): Wal {
  const store = walStore(endpoint, layout);
  return new Wal(store, endpoint.backend === 'local' ? 'local-fs' : 'object-storage', { flushIntervalMs: 5 });
}

/** Runs a writer in a child process until it has reported `acks` acknowledgements, then kills it with SIGKILL. */
async function crashWriter(endpoint: WalEndpoint, log: string, acks: number, layout: LocalLayout = 'file-per-segment'): Promise<Map<number, EntryId>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(TOOL_ROOT, 'src/testing/wal-child.ts'), JSON.stringify(endpoint), log, '4096', '8', layout], {
    cwd: TOOL_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged = new Map<number, EntryId>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [, sequence, id] = line.split(' ');
        acknowledged.set(Number(sequence), parseEntryId(id!));
      }
      if (acknowledged.size >= acks) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early (${code}): ${stderr}`))));
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return acknowledged;
}

/** Reads the whole log (a new writer first fences and seals what the crashed one left) and checks every entry. */
async function verifyAfterCrash(t: TestContext, endpoint: WalEndpoint, log: string, acknowledged: Map<number, EntryId>, layout?: LocalLayout): Promise<void> {
  const wal = open(endpoint, layout);
  t.after(() => wal.close());
  const writer = await wal.openWriter(log);
  await writer.close();
  const reader = await wal.openReader(log, 'earliest');
  const seen = new Map<number, EntryId>();
  let previous: EntryId | undefined;
  const stop = AbortSignal.timeout(20_000);
  while (seen.size < acknowledged.size && !stop.aborted) {
    const batch = await reader.next(AbortSignal.any([stop, AbortSignal.timeout(2000)]));
    if (batch.length === 0) break;
    for (const entry of batch) {
      const sequence = checkWalTestEntry(entry.payload);
      assert.notEqual(sequence, undefined, `entry ${formatEntryId(entry.id)} has the wrong bytes`);
      if (previous) assert.ok(entry.id.segment > previous.segment || entry.id.entry === previous.entry + 1, 'ids are in order');
      previous = entry.id;
      seen.set(sequence!, entry.id);
    }
  }
  for (const [sequence, id] of acknowledged) {
    assert.deepEqual(seen.get(sequence), id, `acknowledged entry ${sequence} (${formatEntryId(id)}) was read back at the same id`);
  }
}

for (const layout of ['file-per-segment', 'file-per-block'] as const) {
  test(`local disk, ${layout}: a writer killed with SIGKILL loses no acknowledged entry; all read back in order, checksums valid`, async (t) => {
    const endpoint: WalEndpoint = { backend: 'local', root: await tempDir(t) };
    const acknowledged = await crashWriter(endpoint, 'crash', 400, layout);
    await verifyAfterCrash(t, endpoint, 'crash', acknowledged, layout);
  });
}

/**
 * Reads every data block of `log` straight from the bucket with a plain S3 client and decodes it from the layout the
 * docs/engines.md documents, without the engine's code: entry "segment:entry" → payload. Any bad CRC fails the test.
 */
async function readBucketWithoutTheEngine(endpoint: Extract<WalEndpoint, { backend: 's3' }>, log: string): Promise<Map<string, Buffer>> {
  const s3 = new S3Client({ endpoint: endpoint.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: endpoint.credentials });
  const entries = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: endpoint.bucket, Prefix: `${endpoint.prefix}/${log}/`, ContinuationToken: token }));
    for (const { Key: key } of page.Contents ?? []) {
      if (!key?.endsWith('.blk')) continue;
      const block = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: endpoint.bucket, Key: key }))).Body!.transformToByteArray());
      assert.equal(block.toString('latin1', 0, 4), 'WPB1', `${key}: magic`);
      assert.equal(block.readUInt32LE(36), crc32(block.subarray(0, 36)), `${key}: header CRC`);
      if (block.readUInt16LE(6) !== 1) continue; // a fence marker
      const [segment, firstEntry, records, bodyBytes] = [block.readUInt32LE(8), block.readUInt32LE(16), block.readUInt32LE(24), block.readUInt32LE(28)];
      assert.equal(block.readUInt16LE(4), 2, `${key}: format version`);
      let recordHeaders = Buffer.alloc(0);
      let offset = 40;
      for (let record = 0; record < records; record++) {
        const length = block.readUInt32LE(offset);
        const payload = block.subarray(offset + 8, offset + 8 + length);
        assert.equal(block.readUInt32LE(offset + 4), crc32(payload), `${key}: record ${record} CRC`);
        recordHeaders = Buffer.concat([recordHeaders, block.subarray(offset, offset + 8)]);
        entries.set(`${segment}:${firstEntry + record}`, payload);
        offset += 8 + length;
      }
      assert.equal(offset, 40 + bodyBytes, `${key}: body length`);
      assert.equal(block.readUInt32LE(32), crc32(recordHeaders), `${key}: body checksum (CRC32 of the record headers)`);
    }
    token = page.NextContinuationToken;
  } while (token);
  s3.destroy();
  return entries;
}

test('MinIO: a writer killed with SIGKILL loses no acknowledged entry; the bucket, read without the engine, holds each one', async (t) => {
  await requireInstalled('wal');
  const minio = await startTestMinio(t, 'crash-test');
  const acknowledged = await crashWriter(minio.endpoint, 'crash', 300);
  const stored = await readBucketWithoutTheEngine(minio.endpoint as Extract<WalEndpoint, { backend: 's3' }>, 'crash');
  for (const [sequence, id] of acknowledged) {
    const payload = stored.get(`${id.segment}:${id.entry}`);
    assert.ok(payload, `acknowledged entry ${sequence} (${formatEntryId(id)}) is in the bucket`);
    assert.equal(checkWalTestEntry(payload), sequence, `the bucket holds entry ${sequence}'s bytes at ${formatEntryId(id)}`);
  }
  await verifyAfterCrash(t, minio.endpoint, 'crash', acknowledged);
});

test('MinIO: of two writers on one log the stale one is fenced and fails', async (t) => {
  await requireInstalled('wal');
  const minio = await startTestMinio(t, 'fence-test');
  const wal = open(minio.endpoint);
  t.after(() => wal.close());
  await wal.createLog('fenced');
  const stale = await wal.openWriter('fenced');
  await stale.append(walTestEntry(0, 100));
  const fresh = await wal.openWriter('fenced');
  await assert.rejects(stale.append(walTestEntry(1, 100)), FencedError);
  await fresh.append(walTestEntry(2, 100));
  await fresh.close();
});

test('MinIO: a block damaged in the bucket is detected, not returned', async (t) => {
  await requireInstalled('wal');
  const minio = await startTestMinio(t, 'corrupt-test');
  const wal = open(minio.endpoint);
  t.after(() => wal.close());
  await wal.createLog('damaged');
  const writer = await wal.openWriter('damaged');
  const id = await writer.append(walTestEntry(7, 1000));
  await writer.close();
  const s3 = (wal.store as S3ObjectStore).client;
  const key = `corrupt-test/damaged/${String(id.segment).padStart(8, '0')}/00000000.blk`;
  const original = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'mqbench', Key: key }))).Body!.transformToByteArray());
  original[original.length - 10]! ^= 0x40;
  await s3.send(new PutObjectCommand({ Bucket: 'mqbench', Key: key, Body: original }));
  const reader = await wal.openReader('damaged', 'earliest');
  await assert.rejects(reader.next(AbortSignal.timeout(5000)), CorruptBlockError);
});

test('MinIO restarted mid-stream: appends retry or fail cleanly, and no acknowledged entry is lost', async (t) => {
  await requireInstalled('wal');
  const minio = await startTestMinio(t, 'restart-test');
  const wal = open(minio.endpoint);
  t.after(() => wal.close());
  await wal.createLog('restart');
  let writer = await wal.openWriter('restart');
  const acknowledged = new Map<number, EntryId>();
  const failed: number[] = [];
  let stopped: WriterStoppedError | undefined;
  let sequence = 0;
  const appendSome = async (count: number) => {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const mine = sequence++;
        try {
          acknowledged.set(mine, await writer.append(walTestEntry(mine, 2048)));
        } catch (error) {
          if (error instanceof FencedError) throw error;
          if (error instanceof WriterStoppedError) stopped = error;
          failed.push(mine);
        }
      }),
    );
  };
  await appendSome(200);
  const during = appendSome(200);
  await minio.stop(true);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await minio.start();
  await during;
  // The writer either rides out the outage, or (when MinIO is down longer than its retries, as on a loaded machine)
  // stops with a clear error because the segment of its failed blocks could not be sealed: then a new writer takes over.
  await appendSome(200);
  if (stopped) {
    await writer.close();
    writer = await wal.openWriter('restart');
    await appendSome(200);
  }
  await writer.close();
  assert.ok(acknowledged.size >= 400, `${acknowledged.size} acknowledged, ${failed.length} failed cleanly${stopped ? ` (${stopped.message})` : ''}`);
  await verifyAfterCrash(t, minio.endpoint, 'restart', acknowledged);
});
