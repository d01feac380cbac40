import type { RecordedEvent } from '@orderflow/contracts';
import { foldInventoryEvent, emptyInventoryWorkingSet } from '../../inventory/inventory.projection.js';
import { emptyOrdersWorkingSet, foldOrdersEvent } from '../../orders/orders.projection.js';
import { toOrderDetail, type OrderView } from '../../orders/order-view.js';
import { asProjectedEvent } from '../../projected-event.js';
import { inventoryProjection, ordersProjection, type ProjectionDefinition } from '../../projection.js';
import type { Queryable } from './checkpoint.statements.js';
import { selectInventoryViews, upsertInventoryViews } from './inventory.statements.js';
import type { OrderChange } from './order-change.js';
import {
  addCustomerSummaries,
  addDailySales,
  selectOrderViews,
  selectPaymentFacts,
  selectShipmentFacts,
  upsertOrderViews,
  upsertPaymentFacts,
  upsertShipmentFacts,
} from './orders.statements.js';
import type { ReadModelTables } from './tables.js';

/** One projection's part of one batch: rows loaded once, events folded in memory, saved once. */
export type ProjectionSession = {
  /** Throws on an event it cannot apply; the session is then as it was before the call. */
  fold(event: RecordedEvent): void;
  save(): Promise<readonly OrderChange[]>;
};

export type ProjectionUnit = ProjectionDefinition & {
  begin(db: Queryable, tables: ReadModelTables, events: readonly RecordedEvent[]): Promise<ProjectionSession>;
};

const idsOf = (events: readonly RecordedEvent[], field: string): string[] => {
  const ids = new Set<string>();
  for (const e of events) {
    const value = (e.data as Record<string, unknown>)[field];
    if (typeof value === 'string') ids.add(value);
  }
  return [...ids];
};

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

const ordersUnit: ProjectionUnit = {
  ...ordersProjection,
  async begin(db, tables, events) {
    const orderIds = idsOf(events, 'orderId');
    const ws = emptyOrdersWorkingSet();
    for (const id of orderIds) ws.orders.set(id, null);
    for (const v of await selectOrderViews(db, tables.orderViews, orderIds)) ws.orders.set(v.orderId, v);
    for (const p of await selectPaymentFacts(db, tables.orderPayments, orderIds)) ws.payments.set(p.paymentId, p);
    for (const s of await selectShipmentFacts(db, tables.orderShipments, orderIds)) ws.shipments.set(s.shipmentId, s);
    return {
      fold(event) {
        const projected = asProjectedEvent(event);
        if (projected !== null) foldOrdersEvent(ws, projected);
      },
      async save() {
        const views: OrderView[] = [...ws.changedOrders].map((id) => ws.orders.get(id)).filter(present);
        const revisions = await upsertOrderViews(db, tables.orderViews, views);
        await upsertPaymentFacts(db, tables.orderPayments, [...ws.changedPayments].map((id) => ws.payments.get(id)).filter(present));
        await upsertShipmentFacts(db, tables.orderShipments, [...ws.changedShipments].map((id) => ws.shipments.get(id)).filter(present));
        await addCustomerSummaries(db, tables.customerSummaries, [...ws.customers.values()]);
        await addDailySales(db, tables.dailySales, [...ws.sales.values()]);
        return views.map((v) => ({ orderId: v.orderId, version: v.version, revision: revisions.get(v.orderId) ?? '0', detail: toOrderDetail(v) }));
      },
    };
  },
};

const inventoryUnit: ProjectionUnit = {
  ...inventoryProjection,
  async begin(db, tables, events) {
    const productIds = idsOf(events, 'productId');
    const ws = emptyInventoryWorkingSet();
    for (const id of productIds) ws.products.set(id, null);
    for (const v of await selectInventoryViews(db, tables.inventoryViews, productIds)) ws.products.set(v.productId, v);
    return {
      fold(event) {
        const projected = asProjectedEvent(event);
        if (projected !== null) foldInventoryEvent(ws, projected);
      },
      async save() {
        await upsertInventoryViews(db, tables.inventoryViews, [...ws.changed].map((id) => ws.products.get(id)).filter(present));
        return [];
      },
    };
  },
};

export const projectionUnits: readonly ProjectionUnit[] = [ordersUnit, inventoryUnit];

export const unitOf = (streamType: string): ProjectionUnit | undefined =>
  projectionUnits.find((u) => (u.streamTypes as readonly string[]).includes(streamType));
