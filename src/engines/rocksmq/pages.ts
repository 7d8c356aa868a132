/** Page bookkeeping of a topic: pages close when full, become acked when every group has passed them, and expire. */

/** One closed page: the messages up to and including `endId` since the previous page. */
export interface PageRecord {
  endId: number;
  bytes: number;
  closedAt: number;
  ackedAt?: number;
}

/** Why and which pages retention removes. */
export interface RetentionLimits {
  maxAgeMs: number;
  maxBytes: number;
}

/** Closed pages that every group has acknowledged (`minAckedNext` is the lowest next-unacked id over groups). */
export function newlyAckedPages(pages: PageRecord[], minAckedNext: number): PageRecord[] {
  return pages.filter((page) => page.ackedAt === undefined && page.endId < minAckedNext);
}

/**
 * Acked pages to delete, oldest first: every acked page older than `maxAgeMs`, then the oldest acked pages while the
 * acked pages still hold more than `maxBytes` (when maxBytes ≥ 0). Unacked pages are never chosen; deletion stops
 * at the first unacked page so the deleted range stays a prefix of the topic.
 */
export function expiredPages(pages: PageRecord[], limits: RetentionLimits, now: number): PageRecord[] {
  const ackedPrefix: PageRecord[] = [];
  for (const page of pages) {
    if (page.ackedAt === undefined) break;
    ackedPrefix.push(page);
  }
  let ackedBytes = pages.reduce((sum, page) => sum + (page.ackedAt === undefined ? 0 : page.bytes), 0);
  const chosen: PageRecord[] = [];
  for (const page of ackedPrefix) {
    const tooOld = now - (page.ackedAt ?? now) > limits.maxAgeMs;
    const tooBig = limits.maxBytes >= 0 && ackedBytes > limits.maxBytes;
    if (!tooOld && !tooBig) break;
    chosen.push(page);
    ackedBytes -= page.bytes;
  }
  return chosen;
}
