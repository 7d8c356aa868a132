/** Test helper: a real MinIO (mqbench's installed build) on a free port, stopped after the test; restartable. */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../provision/ports.js';
import type { RestartableProcess } from '../provision/restartable-process.js';
import type { WalEndpoint } from '../targets/wal/driver.js';
import { MINIO_BUCKET, MINIO_CREDENTIALS, startMinioProcess } from '../targets/wal/minio.js';
import { tempDir } from './temp-dir.js';

/** A running test MinIO. */
export interface TestMinio {
  server: string;
  endpoint: WalEndpoint;
  dataDir: string;
  /** Stops MinIO (SIGKILL when `kill`), keeping its data. */
  stop(kill?: boolean): Promise<void>;
  /** Starts it again on the same port over the same data. */
  start(): Promise<void>;
}

/** Starts MinIO for the test `t` with a fresh bucket under a temporary directory. */
export async function startTestMinio(t: TestContext, prefix = ''): Promise<TestMinio> {
  const dir = await tempDir(t, 'mqbench-minio-');
  const dataDir = join(dir, 'data');
  const port = await freePort();
  let current: RestartableProcess | undefined;
  const start = async () => {
    current = (await startMinioProcess({ dataDir, port, logFile: join(dir, 'minio.log') })).process;
  };
  await start();
  t.after(() => current?.stop());
  const server = `http://127.0.0.1:${port}`;
  return {
    server,
    dataDir,
    endpoint: { backend: 's3', server, endpoint: server, bucket: MINIO_BUCKET, prefix, forcePathStyle: true, credentials: { ...MINIO_CREDENTIALS } },
    async stop(kill = false) {
      if (!current) return;
      if (kill) process.kill(current.pid(), 'SIGKILL');
      await current.stop();
      current = undefined;
    },
    start,
  };
}
