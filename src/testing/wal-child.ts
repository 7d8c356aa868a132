/**
 * A WAL writer in its own process, for crash tests: appends deterministic entries with `inFlight` appends outstanding
 * and prints "ack <sequence> <segment>:<entry>" for each acknowledgement, until it is killed.
 * Usage: node --import tsx src/testing/wal-child.ts '<endpoint JSON>' <log> <entryBytes> <inFlight> [<local layout>]
 */
import { formatEntryId, Wal } from '../engines/wal/index.js';
import { walStore, type LocalLayout, type WalEndpoint } from '../targets/wal/driver.js';
import { walTestEntry } from './wal-entries.js';

const [endpointJson, log, entryBytesText, inFlightText, layout] = process.argv.slice(2);
const endpoint = JSON.parse(endpointJson!) as WalEndpoint;
const store = walStore(endpoint, (layout ?? 'file-per-segment') as LocalLayout);
const wal = new Wal(store, endpoint.backend === 'local' ? 'local-fs' : 'object-storage', { flushIntervalMs: 5 });
await wal.createLog(log!);
const writer = await wal.openWriter(log!);
const entryBytes = Number(entryBytesText);
let next = 0;
await Promise.all(
  Array.from({ length: Number(inFlightText) }, async () => {
    for (;;) {
      const sequence = next++;
      const id = await writer.append(walTestEntry(sequence, entryBytes));
      process.stdout.write(`ack ${sequence} ${formatEntryId(id)}\n`);
    }
  }),
);
