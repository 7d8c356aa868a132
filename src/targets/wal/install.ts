/** Installing MinIO (the S3 server the wal target's s3 backend runs against): `go install` of a pinned commit. */
import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../install/cache.js';
import { execute } from '../../install/exec.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';

/** The minio binary: $MQBENCH_MINIO, else the cached pinned build. */
export function minioPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MQBENCH_MINIO ?? join(cacheDir(env), 'minio', VERSIONS.minio, 'minio');
}

/** Installer of MinIO. */
export const minioInstaller: Installer = {
  component: `MinIO ${VERSIONS.minio}`,
  async status() {
    const path = minioPath();
    const installed = await access(path, constants.X_OK).then(() => true, () => false);
    return {
      installed,
      detail: installed ? path : `no minio at ${path}`,
      fix: process.env.MQBENCH_MINIO ? 'point MQBENCH_MINIO at a minio binary' : 'npx mqbench install wal (needs Go; builds MinIO in a few minutes)',
    };
  },
  async install(log) {
    if ((await this.status()).installed) return log(`${this.component}: already installed at ${minioPath()}`);
    const directory = join(cacheDir(), 'minio', VERSIONS.minio);
    await mkdir(directory, { recursive: true });
    log(`${this.component}: go install github.com/minio/minio@${VERSIONS.minio} (several minutes)…`);
    await execute('go', ['install', `github.com/minio/minio@${VERSIONS.minio}`], { env: { GOBIN: directory, CGO_ENABLED: '0', GOFLAGS: '-trimpath' } });
    log(`${this.component}: installed at ${minioPath()}`);
  },
};
