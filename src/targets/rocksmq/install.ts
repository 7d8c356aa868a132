/**
 * What the rocksmq target can install: nothing to run it (the engine is embedded), but Milvus's own RocksMQ as the
 * pub/sub reference (`reference: true`), built against the system's RocksDB.
 */
import { buildRocksmqReference, rocksmqReferenceMissing, rocksmqReferencePath } from '../../install/go-reference.js';
import type { Installer } from '../../install/installer.js';

/** Installer of rocksmq-ref (Milvus's RocksMQ, for the pub/sub round trip's reference). */
export const rocksmqInstaller: Installer = {
  component: "rocksmq-ref (Milvus's RocksMQ from milvus pkg/v2, on the system's RocksDB), the pub/sub reference",
  async status() {
    const missing = await rocksmqReferenceMissing();
    return {
      installed: missing.length === 0,
      detail: missing.length === 0 ? await rocksmqReferencePath() : missing.join('; '),
      fix: 'npx mqbench install rocksmq (needs Go, a C++ toolchain, pkg-config and librocksdb-dev)',
    };
  },
  install: buildRocksmqReference,
};
