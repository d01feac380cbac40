import type { CustomerSummary } from '../../orders/customer-summary.evolve.js';
import type { DailySales } from '../../orders/daily-sales.evolve.js';
import type { InventoryView } from '../../inventory/inventory-view.evolve.js';
import type { OrderView, PaymentFact, ShipmentFact } from '../../orders/order-view.js';
import {
  selectStreamStatesSql,
  streamKeyString,
  upsertStreamVersionsSql,
  type Queryable,
  type StreamKey,
  type StreamStateRow,
} from './checkpoint.statements.js';
import { selectInventoryViewsSql, toInventoryView, upsertInventoryViewsSql, type InventoryRow } from './inventory.statements.js';
import {
  addCustomerSummariesSql,
  addDailySalesSql,
  selectOrderViewsSql,
  selectPaymentFactsSql,
  selectShipmentFactsSql,
  toOrderView,
  toPaymentFact,
  toShipmentFact,
  upsertOrderViewsSql,
  upsertPaymentFactsSql,
  upsertShipmentFactsSql,
  type OrderViewRow,
  type PaymentRow,
  type ShipmentRow,
} from './orders.statements.js';
import { insertParkedEventsSql, insertParkedStreamsSql, type ParkedEventInput, type ParkedStreamInput } from './parked.statements.js';
import { statementParams } from './statement-params.js';
import type { ReadModelTables } from './tables.js';

// A batch reads once and writes once: each is one statement, whatever the tables.

export type BatchReadKeys = Readonly<{
  streams: readonly StreamKey[];
  withParked: boolean;
  orderIds: readonly string[];
  productIds: readonly string[];
}>;

export type BatchRows = Readonly<{
  versions: Map<string, number>;
  parked: Set<string>;
  orders: readonly OrderView[];
  payments: readonly PaymentFact[];
  shipments: readonly ShipmentFact[];
  inventory: readonly InventoryView[];
}>;

type BatchRowsRow = {
  streams: StreamStateRow[];
  orders: OrderViewRow[];
  payments: PaymentRow[];
  shipments: ShipmentRow[];
  inventory: InventoryRow[];
};

/**
 * Everything a batch reads before it folds, as one row of JSON arrays. The versions table
 * comes first: PostgreSQL locks relations in the order a statement names them, and a
 * rebuild's swap locks that table first, so a batch either reads before the swap or after.
 * Run it after the batch's advisory locks, in a statement of its own: its snapshot must
 * be younger than the locks.
 */
export async function selectBatchRows(db: Queryable, tables: ReadModelTables, keys: BatchReadKeys): Promise<BatchRows> {
  const p = statementParams();
  const part = (name: string, sql: (() => string) | null) =>
    sql === null ? `'[]'::json AS ${name}` : `(SELECT coalesce(json_agg(r), '[]'::json) FROM (${sql()}) r) AS ${name}`;
  const ifAny = (ids: readonly unknown[], sql: () => string) => (ids.length > 0 ? sql : null);
  const { orderIds, productIds } = keys;
  const text = `SELECT ${[
    part('streams', ifAny(keys.streams, () => selectStreamStatesSql(tables.streamVersions, p, keys.streams, keys.withParked))),
    part('orders', ifAny(orderIds, () => selectOrderViewsSql(tables.orderViews, p, orderIds))),
    part('payments', ifAny(orderIds, () => selectPaymentFactsSql(tables.orderPayments, p, orderIds))),
    part('shipments', ifAny(orderIds, () => selectShipmentFactsSql(tables.orderShipments, p, orderIds))),
    part('inventory', ifAny(productIds, () => selectInventoryViewsSql(tables.inventoryViews, p, productIds))),
  ].join(',\n')}`;
  const { rows } = await db.query<BatchRowsRow>(text, p.values);
  const row = rows[0] ?? { streams: [], orders: [], payments: [], shipments: [], inventory: [] };
  const versions = new Map<string, number>();
  const parked = new Set<string>();
  for (const r of row.streams) {
    const key = streamKeyString({ projection: r.projection, streamId: r.stream_id });
    if (r.version !== null) versions.set(key, r.version);
    if (r.parked) parked.add(key);
  }
  return {
    versions,
    parked,
    orders: row.orders.map(toOrderView),
    payments: row.payments.map(toPaymentFact),
    shipments: row.shipments.map(toShipmentFact),
    inventory: row.inventory.map(toInventoryView),
  };
}

export type BatchWrites = Readonly<{
  orderViews: readonly OrderView[];
  payments: readonly PaymentFact[];
  shipments: readonly ShipmentFact[];
  customers: readonly CustomerSummary[];
  sales: readonly DailySales[];
  inventory: readonly InventoryView[];
  versions: readonly (StreamKey & { version: number })[];
  parkedStreams: readonly ParkedStreamInput[];
  parkedEvents: readonly ParkedEventInput[];
}>;

export const noWrites: BatchWrites = {
  orderViews: [],
  payments: [],
  shipments: [],
  customers: [],
  sales: [],
  inventory: [],
  versions: [],
  parkedStreams: [],
  parkedEvents: [],
};

/**
 * Every write of a batch in one statement (data-modifying CTEs, each table written once),
 * with one `order_view_updated` NOTIFY (`<orderId>:<version>`) per written order view,
 * delivered at commit. Tables appear in one fixed order, rows in key order, so concurrent
 * batches take row locks in one order. Returns each written order's new revision.
 */
export async function writeBatch(db: Queryable, tables: ReadModelTables, w: BatchWrites): Promise<Map<string, string>> {
  const p = statementParams();
  const ctes: string[] = [];
  const add = (name: string, rows: readonly unknown[], sql: () => string) => {
    if (rows.length > 0) ctes.push(`${name} AS (${sql()})`);
  };
  add('w_orders', w.orderViews, () => upsertOrderViewsSql(tables.orderViews, p, w.orderViews));
  add('w_payments', w.payments, () => upsertPaymentFactsSql(tables.orderPayments, p, w.payments));
  add('w_shipments', w.shipments, () => upsertShipmentFactsSql(tables.orderShipments, p, w.shipments));
  add('w_customers', w.customers, () => addCustomerSummariesSql(tables.customerSummaries, p, w.customers));
  add('w_sales', w.sales, () => addDailySalesSql(tables.dailySales, p, w.sales));
  add('w_inventory', w.inventory, () => upsertInventoryViewsSql(tables.inventoryViews, p, w.inventory));
  add('w_versions', w.versions, () => upsertStreamVersionsSql(tables.streamVersions, p, w.versions));
  add('w_parked_streams', w.parkedStreams, () => insertParkedStreamsSql(p, w.parkedStreams));
  add('w_parked_events', w.parkedEvents, () => insertParkedEventsSql(p, w.parkedEvents));
  if (ctes.length === 0) return new Map();
  // data-modifying CTEs run to completion whether or not the final SELECT reads them
  const final =
    w.orderViews.length > 0
      ? `SELECT order_id, revision, pg_notify('order_view_updated', order_id || ':' || version) AS notified FROM w_orders`
      : 'SELECT NULL::text AS order_id, NULL::text AS revision WHERE false';
  const { rows } = await db.query<{ order_id: string; revision: string }>(`WITH ${ctes.join(',\n')}\n${final}`, p.values);
  return new Map(rows.map((r) => [r.order_id, r.revision]));
}
