import type { RecordedEvent } from '@orderflow/contracts';
import { foldInventoryEvent, emptyInventoryWorkingSet } from '../../inventory/inventory.projection.js';
import { emptyOrdersWorkingSet, foldOrdersEvent } from '../../orders/orders.projection.js';
import type { OrderView } from '../../orders/order-view.js';
import { asProjectedEvent } from '../../projected-event.js';
import { inventoryProjection, ordersProjection, type ProjectionDefinition } from '../../projection.js';
import type { BatchRows, BatchWrites } from './batch.statements.js';

/** The rows a unit's events need before they fold. */
export type RowKeys = Readonly<{ orderIds: readonly string[]; productIds: readonly string[] }>;

/** One projection's part of one batch: rows read once, events folded in memory, written once. */
export type ProjectionSession = {
  /** Throws on an event it cannot apply; the session is then as it was before the call. */
  fold(event: RecordedEvent): void;
  /** The rows to write for what was folded. */
  writes(): Partial<BatchWrites>;
};

export type ProjectionUnit = ProjectionDefinition & {
  rowKeysOf(events: readonly RecordedEvent[]): RowKeys;
  begin(rows: BatchRows, events: readonly RecordedEvent[]): ProjectionSession;
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
  rowKeysOf: (events) => ({ orderIds: idsOf(events, 'orderId'), productIds: [] }),
  begin(rows, events) {
    const ws = emptyOrdersWorkingSet();
    for (const id of idsOf(events, 'orderId')) ws.orders.set(id, null);
    for (const v of rows.orders) if (ws.orders.has(v.orderId)) ws.orders.set(v.orderId, v);
    for (const p of rows.payments) if (ws.orders.has(p.orderId)) ws.payments.set(p.paymentId, p);
    for (const s of rows.shipments) if (ws.orders.has(s.orderId)) ws.shipments.set(s.shipmentId, s);
    return {
      fold(event) {
        const projected = asProjectedEvent(event);
        if (projected !== null) foldOrdersEvent(ws, projected);
      },
      writes() {
        const orderViews: OrderView[] = [...ws.changedOrders].map((id) => ws.orders.get(id)).filter(present);
        return {
          orderViews,
          payments: [...ws.changedPayments].map((id) => ws.payments.get(id)).filter(present),
          shipments: [...ws.changedShipments].map((id) => ws.shipments.get(id)).filter(present),
          customers: [...ws.customers.values()],
          sales: [...ws.sales.values()],
        };
      },
    };
  },
};

const inventoryUnit: ProjectionUnit = {
  ...inventoryProjection,
  rowKeysOf: (events) => ({ orderIds: [], productIds: idsOf(events, 'productId') }),
  begin(rows, events) {
    const ws = emptyInventoryWorkingSet();
    for (const id of idsOf(events, 'productId')) ws.products.set(id, null);
    for (const v of rows.inventory) if (ws.products.has(v.productId)) ws.products.set(v.productId, v);
    return {
      fold(event) {
        const projected = asProjectedEvent(event);
        if (projected !== null) foldInventoryEvent(ws, projected);
      },
      writes() {
        return { inventory: [...ws.changed].map((id) => ws.products.get(id)).filter(present) };
      },
    };
  },
};

export const projectionUnits: readonly ProjectionUnit[] = [ordersUnit, inventoryUnit];

export const unitOf = (streamType: string): ProjectionUnit | undefined =>
  projectionUnits.find((u) => (u.streamTypes as readonly string[]).includes(streamType));
