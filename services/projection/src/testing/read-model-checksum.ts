import type { Pool } from '@orderflow/platform';
import { liveTables } from '../adapters/postgres/tables.js';

export type ChecksumScope = Readonly<{
  orderIds: readonly string[];
  customerIds: readonly string[];
  productIds: readonly string[];
  currency: string;
  days: Readonly<{ from: string; to: string }>;
  streamIds: readonly string[];
}>;

// every column but `revision`, which only says how often a row was written
const queries = (scope: ChecksumScope, t = liveTables): Record<string, [string, unknown[]]> => ({
  orders: [
    `SELECT order_id, customer_id, status, currency, total_amount, item_count, items, shipping_address, payment,
       shipment, cancellation_reason, version, created_at, updated_at, search, payment_id, shipment_id,
       shipped_tracking_number, shipped_carrier FROM ${t.orderViews} WHERE order_id = ANY($1)`,
    [scope.orderIds],
  ],
  payments: [`SELECT * FROM ${t.orderPayments} WHERE order_id = ANY($1)`, [scope.orderIds]],
  shipments: [`SELECT * FROM ${t.orderShipments} WHERE order_id = ANY($1)`, [scope.orderIds]],
  customers: [`SELECT * FROM ${t.customerSummaries} WHERE customer_id = ANY($1)`, [scope.customerIds]],
  inventory: [`SELECT * FROM ${t.inventoryViews} WHERE product_id = ANY($1)`, [scope.productIds]],
  sales: [`SELECT * FROM ${t.dailySales} WHERE currency = $1 AND day BETWEEN $2 AND $3`, [scope.currency, scope.days.from, scope.days.to]],
  versions: [`SELECT * FROM ${t.streamVersions} WHERE stream_id = ANY($1)`, [scope.streamIds]],
});

/** One digest and a row count per read model, restricted to a test's own rows. */
export async function readModelChecksum(pool: Pool, scope: ChecksumScope): Promise<Record<string, { rows: number; md5: string }>> {
  const entries = await Promise.all(
    Object.entries(queries(scope)).map(async ([name, [sql, params]]) => {
      const { rows } = await pool.query<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS md5 FROM (${sql}) x`,
        params,
      );
      return [name, rows[0] ?? { rows: 0, md5: '' }] as const;
    }),
  );
  return Object.fromEntries(entries);
}
