/**
 * The durability workload's ledger: what became of every sequence number sent (acknowledged, failed, timed out), what
 * the read-back found, and the classification of the two together — acknowledged but lost is the durability failure;
 * unacknowledged but present, duplicated, out of order and corrupt are counted beside it. Kept in the worker, outside
 * the broker that faults kill.
 */

/** What became of a send. */
export const SEND = { pending: 0, acknowledged: 1, failed: 2, timedOut: 3 } as const;

/** The classification of a trial's messages. */
export interface DurabilityCounts {
  /** Sends issued. */
  sent: number;
  acknowledged: number;
  /** Sends the client reported failed (connection refused, broker gone). */
  failed: number;
  /** Sends neither acknowledged nor failed within the send timeout. */
  timedOut: number;
  /** Of the acknowledged, those whose acknowledgement came after the send timeout. */
  lateAcknowledged: number;
  /** Distinct sequence numbers read back intact. */
  readBack: number;
  /** Acknowledged, never read back: the durability failure. */
  acknowledgedLost: number;
  /**
   * Acknowledged only after the read-back began, and not read back: whether the message was stored cannot be told
   * (a client that went on retrying a timed-out send wrote it after the read), so it is not counted lost.
   */
  acknowledgedDuringReadBack: number;
  /** Not acknowledged (failed or timed out), yet read back. */
  unacknowledgedPresent: number;
  /** Read back more than once. */
  duplicated: number;
  /** Read back below the highest sequence already read. */
  outOfOrder: number;
  /** Read back damaged (envelope or body checksum). */
  corrupt: number;
  /** Read back with a sequence that was never sent. */
  unknown: number;
}

/** Every sequence number's fate, by index. */
export class DurabilityLedger {
  private status = new Uint8Array(1024);
  private reads = new Uint8Array(1024);
  private ackTimes = new Float64Array(1024);
  private sentCount = 0;
  private late = 0;
  private highestRead = -1;
  private readBackBeganMs = Number.POSITIVE_INFINITY;
  private distinctReads = 0;
  private counts = { duplicated: 0, outOfOrder: 0, corrupt: 0, unknown: 0 };
  /** The first few reasons sends failed, with how often each occurred. */
  readonly failureReasons = new Map<string, number>();

  /** Sequence `sequence` was sent (sequences are 0, 1, 2, … in order). */
  sent(sequence: number): void {
    this.grow(sequence);
    this.sentCount = Math.max(this.sentCount, sequence + 1);
  }

  /** The broker acknowledged `sequence` at `atMs`. */
  acknowledged(sequence: number, atMs: number): void {
    if (this.status[sequence] === SEND.timedOut) this.late += 1;
    this.status[sequence] = SEND.acknowledged;
    this.ackTimes[sequence] = atMs;
  }

  /** The send of `sequence` failed with `reason`. */
  failed(sequence: number, reason: string): void {
    if (this.status[sequence] !== SEND.pending) return;
    this.status[sequence] = SEND.failed;
    const key = reason.slice(0, 160);
    if (this.failureReasons.has(key) || this.failureReasons.size < 5) this.failureReasons.set(key, (this.failureReasons.get(key) ?? 0) + 1);
  }

  /** The send of `sequence` was given up after the send timeout (a later acknowledgement still counts). */
  timedOut(sequence: number): void {
    if (this.status[sequence] === SEND.pending) this.status[sequence] = SEND.timedOut;
  }

  /** A message with `sequence` was read back intact. */
  read(sequence: number): void {
    if (!Number.isInteger(sequence) || sequence < 0 || sequence >= this.sentCount) {
      this.counts.unknown += 1;
      return;
    }
    if (this.reads[sequence]! > 0) this.counts.duplicated += 1;
    else {
      this.distinctReads += 1;
      if (sequence < this.highestRead) this.counts.outOfOrder += 1;
    }
    this.reads[sequence] = Math.min(255, this.reads[sequence]! + 1);
    this.highestRead = Math.max(this.highestRead, sequence);
  }

  /** A damaged message was read back. */
  corrupt(): void {
    this.counts.corrupt += 1;
  }

  /** Sends issued so far. */
  get sentTotal(): number {
    return this.sentCount;
  }

  /** Sends neither acknowledged nor given up yet. */
  pending(): number {
    let pending = 0;
    for (let sequence = 0; sequence < this.sentCount; sequence++) if (this.status[sequence] === SEND.pending) pending += 1;
    return pending;
  }

  /** Whether every sequence sent has been read back (nothing more can arrive). */
  allRead(): boolean {
    return this.distinctReads >= this.sentCount;
  }

  /**
   * The runs of consecutive acknowledged-but-lost sequences (the first `limit`), each with the acknowledgement times of
   * its first and last message (epoch ms): which fault lost them can be read from when they were acknowledged.
   */
  lostRuns(limit = 20): Array<{ from: number; to: number; firstAckMs: number; lastAckMs: number }> {
    const runs: Array<{ from: number; to: number; firstAckMs: number; lastAckMs: number }> = [];
    let current: (typeof runs)[number] | undefined;
    for (let sequence = 0; sequence < this.sentCount && runs.length <= limit; sequence++) {
      if (this.fate(sequence) !== 'lost') continue;
      const ackMs = this.ackTimes[sequence]!;
      if (current && current.to === sequence - 1) {
        current.to = sequence;
        current.lastAckMs = ackMs;
      } else {
        current = { from: sequence, to: sequence, firstAckMs: ackMs, lastAckMs: ackMs };
        runs.push(current);
      }
    }
    return runs.slice(0, limit);
  }

  /** The acknowledgement times, sorted (epoch ms). */
  acknowledgementTimes(): Float64Array {
    const times: number[] = [];
    for (let sequence = 0; sequence < this.sentCount; sequence++) if (this.status[sequence] === SEND.acknowledged) times.push(this.ackTimes[sequence]!);
    return Float64Array.from(times).sort();
  }

  /** The read-back began at `atMs` (epoch ms): an acknowledgement after it cannot make its message count as lost. */
  readBackBegan(atMs: number): void {
    this.readBackBeganMs = atMs;
  }

  /** Whether an acknowledged sequence was read back, lost, or acknowledged too late to tell. */
  private fate(sequence: number): 'read' | 'lost' | 'unverifiable' | 'unacknowledged' {
    if (this.status[sequence] !== SEND.acknowledged) return 'unacknowledged';
    if (this.reads[sequence]! > 0) return 'read';
    return this.ackTimes[sequence]! >= this.readBackBeganMs ? 'unverifiable' : 'lost';
  }

  /** The classification of everything sent and read. */
  classify(): DurabilityCounts {
    const result: DurabilityCounts = {
      sent: this.sentCount,
      acknowledged: 0,
      failed: 0,
      timedOut: 0,
      lateAcknowledged: this.late,
      readBack: 0,
      acknowledgedLost: 0,
      acknowledgedDuringReadBack: 0,
      unacknowledgedPresent: 0,
      ...this.counts,
    };
    for (let sequence = 0; sequence < this.sentCount; sequence++) {
      const status = this.status[sequence];
      const read = this.reads[sequence]! > 0;
      if (read) result.readBack += 1;
      if (status === SEND.acknowledged) {
        result.acknowledged += 1;
        const fate = this.fate(sequence);
        if (fate === 'lost') result.acknowledgedLost += 1;
        else if (fate === 'unverifiable') result.acknowledgedDuringReadBack += 1;
      } else {
        if (status === SEND.failed) result.failed += 1;
        else if (status === SEND.timedOut) result.timedOut += 1;
        if (read) result.unacknowledgedPresent += 1;
      }
    }
    return result;
  }

  private grow(sequence: number): void {
    if (sequence < this.status.length) return;
    const length = Math.max(sequence + 1, this.status.length * 2);
    const grown = <T extends Uint8Array | Float64Array>(from: T, make: (n: number) => T) => {
      const next = make(length);
      next.set(from);
      return next;
    };
    this.status = grown(this.status, (n) => new Uint8Array(n));
    this.reads = grown(this.reads, (n) => new Uint8Array(n));
    this.ackTimes = grown(this.ackTimes, (n) => new Float64Array(n));
  }
}
