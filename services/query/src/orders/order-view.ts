import { z } from 'zod';

/** Order statuses the read model knows; anything else in a request is a 400. */
export const orderStatuses = ['PENDING', 'PAID', 'CONFIRMED', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export type OrderItemView = Readonly<{ productId: string; quantity: number; unitPrice: number; lineTotal: number }>;

/**
 * The detail view: what `GET /api/v1/orders/{id}` returns as `data`, what list pages hold,
 * and what the projection stores in Redis under `order:view:<orderId>`.
 */
export type OrderView = Readonly<{
  orderId: string;
  customerId: string;
  status: string;
  currency: string | null;
  totalAmount: number | null;
  itemCount: number | null;
  items: readonly OrderItemView[];
  shippingAddress: Readonly<Record<string, unknown>> | null;
  payment: Readonly<{ paymentId: string; status: string; amount: number | null }> | null;
  shipment: Readonly<{ shipmentId: string; carrier: string | null; trackingNumber: string | null }> | null;
  cancellationReason: string | null;
  version: number;
  createdAt: string | null;
  updatedAt: string | null;
}>;

const amount = z.number().int().nonnegative();
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not an instant');

const itemSchema = z.object({ productId: z.string(), quantity: z.number().int(), unitPrice: amount, lineTotal: amount });

/**
 * What a cached or stored view must look like before it is served (see
 * `parseCachedDetail` for the cache's side).
 */
export const orderViewSchema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  status: z.string().min(1),
  currency: z.string().nullable().default(null),
  totalAmount: amount.nullable().default(null),
  itemCount: z.number().int().nonnegative().nullable().default(null),
  items: z.array(itemSchema).default([]),
  shippingAddress: z.record(z.string(), z.unknown()).nullable().default(null),
  payment: z
    .object({ paymentId: z.string(), status: z.string(), amount: amount.nullable().default(null) })
    .nullable()
    .default(null),
  shipment: z
    .object({ shipmentId: z.string(), carrier: z.string().nullable().default(null), trackingNumber: z.string().nullable().default(null) })
    .nullable()
    .default(null),
  cancellationReason: z.string().nullable().default(null),
  version: z.number().int().positive(),
  createdAt: instant.nullable().default(null),
  updatedAt: instant.nullable().default(null),
});

/** One row of `order_views` as the pg driver returns it (bigint as text, timestamptz as Date). */
export type OrderViewRow = {
  order_id: string;
  customer_id: string;
  status: string;
  currency: string | null;
  total_amount: string | number | null;
  item_count: number | null;
  items: unknown;
  shipping_address: unknown;
  payment: unknown;
  shipment: unknown;
  cancellation_reason: string | null;
  version: number;
  created_at: Date | null;
  updated_at: Date | null;
};

/** Amounts are integer minor units kept within the safe range by the write side; a row outside it is a bug. */
export function toSafeInteger(value: string | number | null, column: string): number | null {
  if (value === null) return null;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`${column} holds ${String(value)}, which is not a safe integer`);
  return n;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Rows go through the same schema as cached entries, so both sources serve one shape. */
export function rowToView(row: OrderViewRow): OrderView {
  return orderViewSchema.parse({
    orderId: row.order_id,
    customerId: row.customer_id,
    status: row.status,
    currency: row.currency,
    totalAmount: toSafeInteger(row.total_amount, 'total_amount'),
    itemCount: row.item_count,
    items: row.items ?? [],
    shippingAddress: row.shipping_address ?? null,
    payment: row.payment ?? null,
    shipment: row.shipment ?? null,
    cancellationReason: row.cancellation_reason,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  });
}
