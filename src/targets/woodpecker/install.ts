/**
 * Installing the woodpecker target: `tools/woodpecker-helper` built with Woodpecker's Go modules (about 3 minutes
 * cold, 467 modules), and MinIO for `storage: minio`. The helper links Woodpecker's server packages (AGPLv3/SSPL), so
 * it is built on the user's machine from modules and never shipped as a binary.
 */
import { GoTool } from '../../install/go-tool.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';
import { minioInstaller } from '../wal/install.js';

/** The helper program. */
export const woodpeckerHelper = new GoTool('woodpecker-helper', `woodpecker-helper (Woodpecker ${VERSIONS.woodpecker})`, { CGO_ENABLED: '1' });

/** Installer of the helper and of MinIO. */
export const woodpeckerInstaller: Installer = {
  component: `Woodpecker ${VERSIONS.woodpecker} (woodpecker-helper) and MinIO`,
  async status() {
    const missing = await woodpeckerHelper.missing();
    const minio = await minioInstaller.status();
    return {
      installed: missing.length === 0 && minio.installed,
      detail: [...missing, ...(minio.installed ? [] : [minio.detail])].join('; ') || `${await woodpeckerHelper.path()}; ${minio.detail}`,
      fix: 'npx mqbench install woodpecker (needs Go; about 3 minutes the first time)',
    };
  },
  async install(log) {
    await woodpeckerHelper.build(log);
    await minioInstaller.install(log);
  },
};
