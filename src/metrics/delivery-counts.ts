/** The delivery check's counts (published, acknowledged, delivered, lost …), as results and recorders keep them. */
import { z } from 'zod';

/** The delivery check of an operation, phase or case. Any `lost` or `corrupt` fails the case. */
export const deliveryCountsSchema = z.object({
  published: z.number(),
  acknowledged: z.number(),
  delivered: z.number(),
  lost: z.number(),
  duplicated: z.number(),
  outOfOrder: z.number(),
  corrupt: z.number(),
  /**
   * Acknowledged but not delivered when the trial ended early (interrupted, or failed before the read-back
   * finished): whether they would have arrived cannot be told, so they are not counted as lost. Absent when the
   * trial waited for every message (then an undelivered message is `lost`).
   */
  notDelivered: z.number().optional(),
});

/** The delivery check of an operation, phase or case. */
export type DeliveryCounts = z.infer<typeof deliveryCountsSchema>;

/** Empty counts. */
export function emptyDelivery(): DeliveryCounts {
  return { published: 0, acknowledged: 0, delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0, corrupt: 0 };
}

/** Adds delivery counts field by field. */
export function addDelivery(a: DeliveryCounts, b: DeliveryCounts): DeliveryCounts {
  const notDelivered = a.notDelivered === undefined && b.notDelivered === undefined ? {} : { notDelivered: (a.notDelivered ?? 0) + (b.notDelivered ?? 0) };
  return {
    ...notDelivered,
    published: a.published + b.published,
    acknowledged: a.acknowledged + b.acknowledged,
    delivered: a.delivered + b.delivered,
    lost: a.lost + b.lost,
    duplicated: a.duplicated + b.duplicated,
    outOfOrder: a.outOfOrder + b.outOfOrder,
    corrupt: a.corrupt + b.corrupt,
  };
}
