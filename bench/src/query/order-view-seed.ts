import { randomUUID } from 'node:crypto';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** The detail key the projection writes and the query service reads first. */
export const detailKey = (orderId: string) => `order:view:${orderId}`;

const order = eventFixtures.OrderCreated.data;

/** A confirmed two-line order as the projection would have written it. */
export function orderView(orderId: string) {
  const items = order.items.map((i) => ({ ...i, lineTotal: i.quantity * i.unitPrice }));
  return {
    orderId,
    customerId: order.customerId,
    status: 'CONFIRMED',
    currency: order.currency,
    totalAmount: order.totalAmount,
    itemCount: items.reduce((sum, i) => sum + i.quantity, 0),
    items,
    shippingAddress: order.shippingAddress,
    payment: { paymentId: `pay-${orderId.slice(0, 8)}`, status: 'AUTHORIZED', amount: order.totalAmount },
    shipment: null,
    cancellationReason: null,
    version: 2,
    createdAt: order.occurredAt,
    updatedAt: order.occurredAt,
  };
}

export type OrderView = ReturnType<typeof orderView>;

/**
 * The same views in `order_views` (the query service's fallback) and in Redis (what it
 * serves): fresh ids, so keys never meet another run's or another engineer's.
 */
export async function seedOrderViews(pool: pg.Pool, redis: Redis, count: number): Promise<string[]> {
  const views = Array.from({ length: count }, () => orderView(randomUUID()));
  for (const v of views) {
    await pool.query(
      `INSERT INTO order_views (order_id, customer_id, status, currency, total_amount, item_count, items,
         shipping_address, payment, version, created_at, updated_at, payment_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        v.orderId, v.customerId, v.status, v.currency, v.totalAmount, v.itemCount, JSON.stringify(v.items),
        JSON.stringify(v.shippingAddress), JSON.stringify(v.payment), v.version, v.createdAt, v.updatedAt, v.payment.paymentId,
      ],
    );
  }
  await redis.mset(Object.fromEntries(views.map((v) => [detailKey(v.orderId), JSON.stringify(v)])));
  return views.map((v) => v.orderId);
}

export async function removeOrderViews(pool: pg.Pool, redis: Redis, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await redis.del(...orderIds.map(detailKey));
  await pool.query('DELETE FROM order_views WHERE order_id = ANY($1)', [orderIds]);
}
