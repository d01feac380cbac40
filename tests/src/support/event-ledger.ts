import type pg from 'pg';

/**
 * What the event store says happened: the ground truth the saga tests check effects
 * against. Every Order, Payment, Shipment and Inventory reservation event names its
 * order in `data.orderId`, so effects are counted per order whatever stream they are in.
 */
export type TypeCounts = ReadonlyMap<string, number>;

export const countOf = (counts: TypeCounts | undefined, type: string): number => counts?.get(type) ?? 0;

/** Events per order and event type. */
export async function eventCountsByOrder(pool: pg.Pool, orderIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const { rows } = await pool.query<{ order_id: string; event_type: string; n: number }>(
    `SELECT data->>'orderId' AS order_id, event_type, count(*)::int AS n
       FROM events WHERE data->>'orderId' = ANY($1::text[]) GROUP BY 1, 2`,
    [orderIds],
  );
  const byOrder = new Map<string, Map<string, number>>(orderIds.map((id) => [id, new Map()]));
  for (const r of rows) byOrder.get(r.order_id)?.set(r.event_type, r.n);
  return byOrder;
}

/** Inventory events per order, product and type: `<orderId>/<productId>` -> type -> count. */
export async function reservationCounts(pool: pg.Pool, orderIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const { rows } = await pool.query<{ order_id: string; product_id: string; event_type: string; n: number }>(
    `SELECT data->>'orderId' AS order_id, data->>'productId' AS product_id, event_type, count(*)::int AS n
       FROM events WHERE stream_type = 'Inventory' AND data->>'orderId' = ANY($1::text[]) GROUP BY 1, 2, 3`,
    [orderIds],
  );
  const byLine = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = `${r.order_id}/${r.product_id}`;
    const counts = byLine.get(key) ?? new Map<string, number>();
    counts.set(r.event_type, r.n);
    byLine.set(key, counts);
  }
  return byLine;
}

/** The order stream's current version: what `minVersion` asks the query API for. */
export async function orderVersion(pool: pg.Pool, orderId: string): Promise<number> {
  const { rows } = await pool.query<{ v: number | null }>('SELECT max(stream_version) AS v FROM events WHERE stream_id = $1', [`order-${orderId}`]);
  return rows[0]?.v ?? 0;
}

export type Stock = Readonly<{
  replenished: number;
  reserved: number;
  released: number;
  /** `availableQuantity` of the stream's newest event: the aggregate's own figure. */
  available: number;
  version: number;
}>;

/** Stock of each product as its Inventory stream tells it. */
export async function stockLedger(pool: pg.Pool, productIds: readonly string[]): Promise<Map<string, Stock>> {
  const { rows } = await pool.query<{ product_id: string; replenished: number; reserved: number; released: number; available: number; version: number }>(
    `SELECT substr(stream_id, length('inventory-') + 1) AS product_id,
            coalesce(sum((data->>'quantity')::int) FILTER (WHERE event_type = 'StockReplenished'), 0)::int AS replenished,
            coalesce(sum((data->>'quantity')::int) FILTER (WHERE event_type = 'InventoryReserved'), 0)::int AS reserved,
            coalesce(sum((data->>'quantity')::int) FILTER (WHERE event_type = 'InventoryReleased'), 0)::int AS released,
            ((array_agg(data->>'availableQuantity' ORDER BY stream_version DESC))[1])::int AS available,
            max(stream_version)::int AS version
       FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`,
    [productIds.map((p) => `inventory-${p}`)],
  );
  return new Map(rows.map((r) => [r.product_id, r]));
}
