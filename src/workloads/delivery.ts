/** Delivery verification: which sequence numbers were published, acknowledged and delivered, and what went wrong. */
import { emptyDelivery, type DeliveryCounts } from '../metrics/delivery-counts.js';

/** A growable bit set indexed by sequence number. */
class BitSet {
  private bits = new Uint32Array(1024);
  has(index: number): boolean {
    const word = index >>> 5;
    return word < this.bits.length && (this.bits[word]! & (1 << (index & 31))) !== 0;
  }
  add(index: number): void {
    const word = index >>> 5;
    if (word >= this.bits.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[word]! |= 1 << (index & 31);
  }
}

/**
 * Tracks one stream of sequence numbers per producer. `lost` counts acknowledged messages never delivered;
 * `outOfOrder` counts deliveries below the highest sequence already delivered from the same producer.
 */
export class DeliveryTracker {
  private readonly acked = new Map<number, BitSet>();
  private readonly seen = new Map<number, BitSet>();
  private readonly highest = new Map<number, number>();
  private readonly ackedSequences = new Map<number, number[]>();
  private counts = emptyDelivery();

  /** A send was issued. */
  onPublished(): void {
    this.counts.published += 1;
  }

  /** The broker acknowledged `sequence` from `producerId`. */
  onAcknowledged(producerId: number, sequence: number): void {
    this.counts.acknowledged += 1;
    bitSetFor(this.acked, producerId).add(sequence);
    let list = this.ackedSequences.get(producerId);
    if (!list) this.ackedSequences.set(producerId, (list = []));
    list.push(sequence);
  }

  /** A message arrived intact; returns false when it is a duplicate. */
  onDelivered(producerId: number, sequence: number): boolean {
    const seen = bitSetFor(this.seen, producerId);
    if (seen.has(sequence)) {
      this.counts.duplicated += 1;
      return false;
    }
    seen.add(sequence);
    this.counts.delivered += 1;
    const highest = this.highest.get(producerId) ?? -1;
    if (sequence < highest) this.counts.outOfOrder += 1;
    else this.highest.set(producerId, sequence);
    return true;
  }

  /** Every acknowledged sequence, per producer id (a load client reports them to the trial). */
  acknowledgedSequences(): ReadonlyMap<number, readonly number[]> {
    return this.ackedSequences;
  }

  /** Adds sends made elsewhere (a load client's): `published` issued, and these sequences acknowledged. */
  absorb(published: number, acknowledged: Iterable<readonly [number, readonly number[]]>): void {
    this.counts.published += published;
    for (const [producerId, sequences] of acknowledged) for (const sequence of sequences) this.onAcknowledged(producerId, sequence);
  }

  /** A message arrived damaged or unreadable. */
  onCorrupt(): void {
    this.counts.corrupt += 1;
  }

  /** The counts so far, without `lost` (which costs a pass over every acknowledged sequence): cheap to poll. */
  get running(): Readonly<Omit<DeliveryCounts, 'lost'>> {
    return this.counts;
  }

  /** Distinct messages delivered so far. */
  get delivered(): number {
    return this.counts.delivered;
  }

  /**
   * The final counts: acknowledged sequences never delivered are `lost`, or, when the trial `endedEarly` (it did not
   * wait for every message), `notDelivered`.
   */
  result(endedEarly = false): DeliveryCounts {
    let undelivered = 0;
    for (const [producerId, sequences] of this.ackedSequences) {
      const seen = this.seen.get(producerId);
      for (const sequence of sequences) if (!seen?.has(sequence)) undelivered += 1;
    }
    return endedEarly ? { ...this.counts, lost: 0, notDelivered: undelivered } : { ...this.counts, lost: undelivered };
  }
}

function bitSetFor(map: Map<number, BitSet>, producerId: number): BitSet {
  let set = map.get(producerId);
  if (!set) map.set(producerId, (set = new BitSet()));
  return set;
}
