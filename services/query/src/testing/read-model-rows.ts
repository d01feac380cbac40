import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { OrderItemView } from '../orders/order-view.js';

/** Read-model rows written the way the projection writes them, for tests. */
export type OrderRow = {
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  totalAmount: number;
  items: OrderItemView[];
  shippingAddress: Record<string, unknown> | null;
  payment: { paymentId: string; status: string; amount: number } | null;
  shipment: { shipmentId: string; carrier: string | null; trackingNumber: string | null } | null;
  cancellationReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID()}`;

export function orderRow(overrides: Partial<OrderRow> = {}): OrderRow {
  const items = overrides.items ?? [{ productId: uniqueId('sku'), quantity: 2, unitPrice: 1250, lineTotal: 2500 }];
  const createdAt = overrides.createdAt ?? new Date().toISOString();
  return {
    orderId: uniqueId('ord'),
    customerId: uniqueId('cust'),
    status: 'PENDING',
    currency: 'EUR',
    totalAmount: items.reduce((n, i) => n + i.lineTotal, 0),
    items,
    shippingAddress: { line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' },
    payment: null,
    shipment: null,
    cancellationReason: null,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

const json = (v: unknown) => (v === null ? null : JSON.stringify(v));

export async function insertOrders(db: pg.Pool | pg.PoolClient, rows: readonly OrderRow[]): Promise<void> {
  for (const r of rows) {
    await db.query(
      `INSERT INTO order_views (order_id, customer_id, status, currency, total_amount, item_count, items, shipping_address,
         payment, shipment, cancellation_reason, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        r.orderId,
        r.customerId,
        r.status,
        r.currency,
        r.totalAmount,
        r.items.reduce((n, i) => n + i.quantity, 0),
        JSON.stringify(r.items),
        json(r.shippingAddress),
        json(r.payment),
        json(r.shipment),
        r.cancellationReason,
        r.version,
        r.createdAt,
        r.updatedAt,
      ],
    );
  }
}

/** Moves an order to a new version and notifies, in one transaction, as a projection batch does. */
export async function updateOrder(pool: pg.Pool, orderId: string, changes: { version: number; status?: string; notify?: boolean }) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE order_views SET version = $2, status = coalesce($3, status), updated_at = now() WHERE order_id = $1', [
      orderId,
      changes.version,
      changes.status ?? null,
    ]);
    if (changes.notify !== false) await client.query("SELECT pg_notify('order_view_updated', $1)", [`${orderId}:${changes.version}`]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

export async function deleteOrders(pool: pg.Pool, orderIds: readonly string[]): Promise<void> {
  await pool.query('DELETE FROM order_views WHERE order_id = ANY($1::text[])', [orderIds]);
}

export type SalesRow = { day: string; currency: string; orders: number; revenue: number; cancellations: number };

export async function insertSales(pool: pg.Pool, rows: readonly SalesRow[]): Promise<void> {
  for (const r of rows) {
    await pool.query('INSERT INTO daily_sales (day, currency, orders, revenue, cancellations) VALUES ($1, $2, $3, $4, $5)', [
      r.day,
      r.currency,
      r.orders,
      r.revenue,
      r.cancellations,
    ]);
  }
}

export async function deleteSales(pool: pg.Pool, rows: readonly SalesRow[]): Promise<void> {
  for (const r of rows) await pool.query('DELETE FROM daily_sales WHERE day = $1 AND currency = $2', [r.day, r.currency]);
}

/** A currency code no other suite uses: `Q` plus two random letters (ISO 4217 leaves Q.. unassigned but for a few). */
export const randomCurrency = (): string =>
  `Q${String.fromCharCode(65 + Math.floor(Math.random() * 26))}${String.fromCharCode(65 + Math.floor(Math.random() * 26))}`;
