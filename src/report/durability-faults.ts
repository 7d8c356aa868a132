/** The report's durability section: per case, what became of the acknowledged messages, and what each fault cost. */
import type { ResultFile } from '../results/result-file.js';
import type { DurabilitySummary } from '../workloads/durability/summary.js';

/** One case of the durability workload, as the section shows it. */
export interface DurabilityRow {
  target: string;
  point: string;
  status: string;
  fsync: string;
  summary: DurabilitySummary;
}

/** The durability workload's cases of `results` (none: the section is left out). */
export function durabilityRows(results: readonly ResultFile[]): DurabilityRow[] {
  return results.flatMap((result) =>
    result.cases.flatMap((entry) => {
      const summary = entry.summary?.durability;
      if (!summary) return [];
      const fsync = summary.fsyncBeforeAck === null ? 'unknown' : summary.fsyncBeforeAck ? 'fsync before ack' : 'ack from page cache';
      return [{ target: entry.target, point: entry.label, status: entry.status, fsync, summary }];
    }),
  );
}

/** The section's HTML; `escape` escapes text. */
export function durabilityHtml(rows: readonly DurabilityRow[], escape: (text: string) => string): string {
  const count = (value: number) => value.toLocaleString('en-US');
  const ms = (value: number | null) => (value === null ? '–' : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
  const rate = (value: number) => Math.round(value).toLocaleString('en-US');
  const cases = rows.map(({ target, point, status, fsync, summary }) => {
    const lost = summary.acknowledgedLost > 0 ? `<strong>${count(summary.acknowledgedLost)}</strong>` : '0';
    return `<tr><td class="text">${escape(target)}</td><td class="text">${escape(fsync)}</td><td class="text"><span class="status ${escape(status)}">${escape(status)}</span></td><td>${count(summary.sent)}</td><td>${count(summary.acknowledged)}</td><td>${count(summary.failed + summary.timedOut)}</td><td>${lost}</td><td>${count(summary.unacknowledgedPresent)}</td><td>${count(summary.duplicated)}</td><td>${count(summary.outOfOrder)}</td><td>${count(summary.corrupt)}</td><td>${ms(summary.unavailableMs)}</td></tr>`;
  });
  const faults = rows.flatMap(({ target, summary }) =>
    summary.faults.map((fault) => {
      const cells = `<td>${ms(fault.restartMs)}</td><td>${ms(fault.unavailableMs)}</td><td>${ms(fault.reconnectedAfterReadyMs ?? null)}</td><td>${ms(fault.firstAckAfterReadyMs)}</td><td>${rate(fault.throughput.before)} / ${rate(fault.throughput.during)} / ${rate(fault.throughput.after)}</td><td>${fault.droppedBytes === null ? '–' : count(fault.droppedBytes)}</td>`;
      return `<tr><td class="text">${escape(target)}</td><td class="text">${escape(fault.kind)} at ${ms(fault.atMs)}</td>${cells}</tr>`;
    }),
  );
  return `<section id="durability">
<h2>Durability under faults</h2>
<p class="legend">Every sequence number sent, classified after a full read-back from the start; counts are summed over the case's trials. <strong>Acknowledged, lost</strong> is the durability failure (a target that fsyncs before acknowledging fails its case on it; under a default that acknowledges from the page cache it is a measured property). "Not acknowledged" are sends that failed or timed out while the target was down. Unavailable: the longest time without an acknowledgement over a fault (median over trials).</p>
<table><thead><tr><th class="text">target</th><th class="text">durability</th><th class="text">verdict</th><th>sent</th><th>acknowledged</th><th>not acknowledged</th><th>acknowledged, lost</th><th>unacknowledged, present</th><th>duplicated</th><th>out of order</th><th>corrupt</th><th>unavailable</th></tr></thead><tbody>
${cases.join('\n')}
</tbody></table>
<h3>Each fault</h3>
<p class="legend">Restart: until the target answered its readiness check. Reconnected: from then until the writer had a new producer (faults that restart the target; – where none was needed or none opened). First ack: from then to the next acknowledgement. Rates are acknowledgements per second before the fault, during it and after it, until the next one. Dropped: unsynced bytes a power loss took (lazyfs). Each figure is the median over trials.</p>
<table><thead><tr><th class="text">target</th><th class="text">fault</th><th>restart</th><th>unavailable</th><th>reconnected</th><th>first ack</th><th>ack/s before / during / after</th><th>dropped bytes</th></tr></thead><tbody>
${faults.join('\n')}
</tbody></table>
</section>`;
}
