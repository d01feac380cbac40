import type { CustomerSummary } from '../../orders/customer-summary.evolve.js';
import type { DailySales } from '../../orders/daily-sales.evolve.js';
import type { OrderView, PaymentFact, ShipmentFact } from '../../orders/order-view.js';
import { isoOf, type StatementParams } from './statement-params.js';

// Fragments of the batch statements (batch.statements.ts): each reads or writes one table
// and binds its values through `p`. Timestamps arrive as Dates or, inside JSON, as strings.

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export type OrderViewRow = {
  order_id: string;
  customer_id: string;
  status: OrderView['status'];
  currency: string;
  total_amount: string;
  item_count: number;
  items: OrderView['items'];
  shipping_address: OrderView['shippingAddress'];
  payment: OrderView['payment'];
  shipment: OrderView['shipment'];
  cancellation_reason: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  payment_id: string | null;
  shipment_id: string | null;
  shipped_tracking_number: string | null;
  shipped_carrier: string | null;
};

const ORDER_COLUMNS = `order_id, customer_id, status, currency, total_amount::text AS total_amount, item_count, items,
  shipping_address, payment, shipment, cancellation_reason, version, created_at, updated_at, payment_id, shipment_id,
  shipped_tracking_number, shipped_carrier`;

export const toOrderView = (r: OrderViewRow): OrderView => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  status: r.status,
  currency: r.currency,
  totalAmount: Number(r.total_amount),
  itemCount: r.item_count,
  items: r.items,
  shippingAddress: r.shipping_address,
  payment: r.payment,
  shipment: r.shipment,
  cancellationReason: r.cancellation_reason,
  version: r.version,
  createdAt: isoOf(r.created_at),
  updatedAt: isoOf(r.updated_at),
  paymentId: r.payment_id,
  shipmentId: r.shipment_id,
  shippedTrackingNumber: r.shipped_tracking_number,
  shippedCarrier: r.shipped_carrier,
});

export const selectOrderViewsSql = (table: string, p: StatementParams, orderIds: readonly string[]): string =>
  `SELECT ${ORDER_COLUMNS} FROM ${table} WHERE order_id = ANY(${p.bind(orderIds, 'text[]')})`;

/**
 * Rows are written in key order, so concurrent batches lock shared rows in one order.
 * Returns each written order's new revision and version.
 */
export function upsertOrderViewsSql(table: string, p: StatementParams, views: readonly OrderView[]): string {
  const records = [...views].sort(byKey((v) => v.orderId)).map((v) => ({
    order_id: v.orderId,
    customer_id: v.customerId,
    status: v.status,
    currency: v.currency,
    total_amount: v.totalAmount,
    item_count: v.itemCount,
    items: v.items,
    shipping_address: v.shippingAddress,
    payment: v.payment,
    shipment: v.shipment,
    cancellation_reason: v.cancellationReason,
    version: v.version,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    payment_id: v.paymentId,
    shipment_id: v.shipmentId,
    shipped_tracking_number: v.shippedTrackingNumber,
    shipped_carrier: v.shippedCarrier,
  }));
  return `INSERT INTO ${table} (order_id, customer_id, status, currency, total_amount, item_count, items, shipping_address,
       payment, shipment, cancellation_reason, version, created_at, updated_at, payment_id, shipment_id, shipped_tracking_number,
       shipped_carrier)
     SELECT * FROM jsonb_to_recordset(${p.bind(JSON.stringify(records), 'jsonb')}) AS r(order_id text, customer_id text, status text,
       currency text, total_amount bigint, item_count int, items jsonb, shipping_address jsonb, payment jsonb, shipment jsonb,
       cancellation_reason text, version int, created_at timestamptz, updated_at timestamptz, payment_id text,
       shipment_id text, shipped_tracking_number text, shipped_carrier text)
     ON CONFLICT (order_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, status = EXCLUDED.status,
       currency = EXCLUDED.currency, total_amount = EXCLUDED.total_amount, item_count = EXCLUDED.item_count,
       items = EXCLUDED.items, shipping_address = EXCLUDED.shipping_address, payment = EXCLUDED.payment,
       shipment = EXCLUDED.shipment, cancellation_reason = EXCLUDED.cancellation_reason, version = EXCLUDED.version,
       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, payment_id = EXCLUDED.payment_id,
       shipment_id = EXCLUDED.shipment_id, shipped_tracking_number = EXCLUDED.shipped_tracking_number,
       shipped_carrier = EXCLUDED.shipped_carrier, revision = nextval('read_model_revision_seq')
     RETURNING order_id, revision::text AS revision, version`;
}

export type PaymentRow = {
  payment_id: string;
  order_id: string;
  status: PaymentFact['status'];
  amount: string;
  currency: string;
  occurred_at: Date | string;
};

export const toPaymentFact = (r: PaymentRow): PaymentFact => ({
  paymentId: r.payment_id,
  orderId: r.order_id,
  status: r.status,
  amount: Number(r.amount),
  currency: r.currency,
  occurredAt: isoOf(r.occurred_at),
});

export const selectPaymentFactsSql = (table: string, p: StatementParams, orderIds: readonly string[]): string =>
  `SELECT payment_id, order_id, status, amount::text AS amount, currency, occurred_at FROM ${table}
   WHERE order_id = ANY(${p.bind(orderIds, 'text[]')})`;

export function upsertPaymentFactsSql(table: string, p: StatementParams, facts: readonly PaymentFact[]): string {
  const records = [...facts].sort(byKey((f) => f.paymentId)).map((f) => ({
    payment_id: f.paymentId,
    order_id: f.orderId,
    status: f.status,
    amount: f.amount,
    currency: f.currency,
    occurred_at: f.occurredAt,
  }));
  return `INSERT INTO ${table} (payment_id, order_id, status, amount, currency, occurred_at)
     SELECT * FROM jsonb_to_recordset(${p.bind(JSON.stringify(records), 'jsonb')})
       AS r(payment_id text, order_id text, status text, amount bigint, currency text, occurred_at timestamptz)
     ON CONFLICT (payment_id) DO UPDATE SET order_id = EXCLUDED.order_id, status = EXCLUDED.status, amount = EXCLUDED.amount,
       currency = EXCLUDED.currency, occurred_at = EXCLUDED.occurred_at`;
}

export type ShipmentRow = {
  shipment_id: string;
  order_id: string;
  status: ShipmentFact['status'];
  carrier: string | null;
  tracking_number: string | null;
  occurred_at: Date | string;
};

export const toShipmentFact = (r: ShipmentRow): ShipmentFact => ({
  shipmentId: r.shipment_id,
  orderId: r.order_id,
  status: r.status,
  carrier: r.carrier,
  trackingNumber: r.tracking_number,
  occurredAt: isoOf(r.occurred_at),
});

export const selectShipmentFactsSql = (table: string, p: StatementParams, orderIds: readonly string[]): string =>
  `SELECT shipment_id, order_id, status, carrier, tracking_number, occurred_at FROM ${table}
   WHERE order_id = ANY(${p.bind(orderIds, 'text[]')})`;

export function upsertShipmentFactsSql(table: string, p: StatementParams, facts: readonly ShipmentFact[]): string {
  const records = [...facts].sort(byKey((f) => f.shipmentId)).map((f) => ({
    shipment_id: f.shipmentId,
    order_id: f.orderId,
    status: f.status,
    carrier: f.carrier,
    tracking_number: f.trackingNumber,
    occurred_at: f.occurredAt,
  }));
  return `INSERT INTO ${table} (shipment_id, order_id, status, carrier, tracking_number, occurred_at)
     SELECT * FROM jsonb_to_recordset(${p.bind(JSON.stringify(records), 'jsonb')})
       AS r(shipment_id text, order_id text, status text, carrier text, tracking_number text, occurred_at timestamptz)
     ON CONFLICT (shipment_id) DO UPDATE SET order_id = EXCLUDED.order_id, status = EXCLUDED.status, carrier = EXCLUDED.carrier,
       tracking_number = EXCLUDED.tracking_number, occurred_at = EXCLUDED.occurred_at`;
}

/** Adds a batch's deltas; counters commute, so no row is read first. */
export function addCustomerSummariesSql(table: string, p: StatementParams, deltas: readonly CustomerSummary[]): string {
  const records = [...deltas].sort(byKey((d) => `${d.customerId}\u0000${d.currency}`)).map((d) => ({
    customer_id: d.customerId,
    currency: d.currency,
    order_count: d.orderCount,
    total_spent: d.totalSpent,
    last_order_at: d.lastOrderAt,
  }));
  return `INSERT INTO ${table} AS t (customer_id, currency, order_count, total_spent, last_order_at)
     SELECT * FROM jsonb_to_recordset(${p.bind(JSON.stringify(records), 'jsonb')})
       AS r(customer_id text, currency text, order_count int, total_spent bigint, last_order_at timestamptz)
     ON CONFLICT (customer_id, currency) DO UPDATE SET order_count = t.order_count + EXCLUDED.order_count,
       total_spent = t.total_spent + EXCLUDED.total_spent, last_order_at = greatest(t.last_order_at, EXCLUDED.last_order_at)`;
}

export function addDailySalesSql(table: string, p: StatementParams, deltas: readonly DailySales[]): string {
  const records = [...deltas].sort(byKey((d) => `${d.day}|${d.currency}`));
  return `INSERT INTO ${table} AS t (day, currency, orders, revenue, cancellations)
     SELECT * FROM jsonb_to_recordset(${p.bind(JSON.stringify(records), 'jsonb')})
       AS r(day date, currency text, orders int, revenue bigint, cancellations int)
     ON CONFLICT (day, currency) DO UPDATE SET orders = t.orders + EXCLUDED.orders,
       revenue = t.revenue + EXCLUDED.revenue, cancellations = t.cancellations + EXCLUDED.cancellations`;
}
