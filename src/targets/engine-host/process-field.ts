/** The `process:` setting of the embedded targets (rocksmq, the WAL on local disk). */
import { z } from 'zod';

/** Where an embedded engine runs: in the trial's worker, or in a host process of its own. */
export const engineProcessField = z
  .enum(['worker', 'own'])
  .default('worker')
  .describe(
    "worker: the engine runs inside the trial's worker process (as RocksMQ runs inside Milvus); own: in a host process of its own, reached over a unix socket, with the local provider — so that the durability workload's faults can kill, pause and restart it on the same files",
  );

