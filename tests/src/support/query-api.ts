import { pollUntil } from './poll.js';

/** The read side as a client sees it (services/query/README.md). */
export type Meta = Readonly<{ version: number | null; lastUpdated: string | null; cached: boolean; stale: boolean }>;

export type OrderView = Readonly<{
  orderId: string;
  status: string;
  totalAmount: number;
  version: number;
  payment: Readonly<{ paymentId: string; status: string; amount: number }> | null;
  shipment: Readonly<{ shipmentId: string; trackingNumber?: string }> | null;
  cancellationReason: string | null;
}>;

export type InventoryView = Readonly<{ productId: string; available: number; reserved: number }>;

type Answer<T> = Readonly<{ status: number; data?: T; meta?: Meta }>;

async function get<T>(url: string): Promise<Answer<T>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const body = (await res.json()) as { data?: T; meta?: Meta };
  return { status: res.status, ...body };
}

/**
 * Read-your-writes: asks for the order at `minVersion` (the version the event store holds),
 * which the query service waits for; a stale answer (the projection still behind) is
 * asked again until the deadline. `until` waits for facts of other streams (payment,
 * shipment) that reach the view through other topics, so in no fixed order.
 */
export function orderAtVersion(
  queryUrl: string,
  orderId: string,
  minVersion: number,
  opts: Readonly<{ timeoutMs?: number; until?: (view: OrderView) => boolean }> = {},
): Promise<{ data: OrderView; meta: Meta }> {
  let last: Answer<OrderView> | undefined;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return pollUntil(
    `order ${orderId} at version ${minVersion} in the query API`,
    async () => {
      last = await get<OrderView>(`${queryUrl}/api/v1/orders/${orderId}?minVersion=${minVersion}`);
      const fresh = last.status === 200 && last.data && last.meta && !last.meta.stale;
      return fresh && last.data && last.meta && (opts.until?.(last.data) ?? true) ? { data: last.data, meta: last.meta } : undefined;
    },
    { timeoutMs, describe: () => `last answer: ${JSON.stringify(last ?? null)}` },
  );
}

/** The inventory view once it reflects the Inventory stream at `version`. */
export function inventoryAtVersion(queryUrl: string, productId: string, version: number, timeoutMs = 30_000): Promise<InventoryView> {
  let last: Answer<InventoryView> | undefined;
  return pollUntil(
    `inventory of ${productId} at version ${version} in the query API`,
    async () => {
      last = await get<InventoryView>(`${queryUrl}/api/v1/inventory/${encodeURIComponent(productId)}`);
      return last.status === 200 && last.data && (last.meta?.version ?? 0) >= version ? last.data : undefined;
    },
    { timeoutMs, describe: () => `last answer: ${JSON.stringify(last ?? null)}` },
  );
}
