import { eventStreamType } from '@orderflow/contracts';
import {
  assertOwnedBy,
  type OrderStreamEvent,
  type PaymentStreamEvent,
  type ProjectedEvent,
  type ShipmentStreamEvent,
} from '../projected-event.js';
import { customerKeyOf, customerKeyString, evolveCustomerSummary, type CustomerSummary } from './customer-summary.evolve.js';
import { evolveDailySales, salesFactsOf, salesKeyString, type DailySales } from './daily-sales.evolve.js';
import { evolvePaymentFact, evolveShipmentFact } from './order-facts.evolve.js';
import { evolveOrderView, linkOrder } from './order-view.evolve.js';
import type { OrderView, PaymentFact, ShipmentFact } from './order-view.js';

/**
 * The rows one batch reads and writes, held in memory between one load and one save.
 * `orders` maps every order id the batch touches to its row (null: none yet); `customers`
 * and `sales` hold deltas the adapter adds to the stored counters.
 */
export type OrdersWorkingSet = {
  orders: Map<string, OrderView | null>;
  payments: Map<string, PaymentFact>;
  shipments: Map<string, ShipmentFact>;
  customers: Map<string, CustomerSummary>;
  sales: Map<string, DailySales>;
  changedOrders: Set<string>;
  changedPayments: Set<string>;
  changedShipments: Set<string>;
};

export const emptyOrdersWorkingSet = (): OrdersWorkingSet => ({
  orders: new Map(),
  payments: new Map(),
  shipments: new Map(),
  customers: new Map(),
  sales: new Map(),
  changedOrders: new Set(),
  changedPayments: new Set(),
  changedShipments: new Set(),
});

const factsOf = <F extends { orderId: string }>(facts: Map<string, F>, orderId: string): F[] =>
  [...facts.values()].filter((f) => f.orderId === orderId);

function foldOrderEvent(ws: OrdersWorkingSet, event: OrderStreamEvent): void {
  const { orderId } = event.data;
  assertOwnedBy(event, orderId);
  const before = ws.orders.get(orderId) ?? null;
  const evolved = evolveOrderView(before, event);
  const after = evolved === null ? null : linkOrder(evolved, factsOf(ws.payments, orderId), factsOf(ws.shipments, orderId));
  const customerKey = customerKeyOf(event);
  const customer = customerKey === null ? null : evolveCustomerSummary(ws.customers.get(customerKeyString(customerKey)) ?? null, event);
  const sales = salesFactsOf(before, after, event).map((f) => evolveDailySales(ws.sales.get(salesKeyString(f)) ?? null, f));
  // everything above may throw; the working set changes only below, all or nothing
  setOrder(ws, after);
  if (customerKey !== null && customer !== null) ws.customers.set(customerKeyString(customerKey), customer);
  for (const s of sales) ws.sales.set(salesKeyString(s), s);
}

const replaced = <F extends { orderId: string }>(facts: Map<string, F>, id: string, fact: F): F[] =>
  factsOf(facts, fact.orderId).filter((f) => facts.get(id) !== f).concat(fact);

/** A payment or shipment changed: the order's row, if it exists yet, re-links its summaries. */
function relinked(ws: OrdersWorkingSet, orderId: string, payments: PaymentFact[], shipments: ShipmentFact[]): OrderView | null {
  const row = ws.orders.get(orderId) ?? null;
  return row === null ? null : linkOrder(row, payments, shipments);
}

function setOrder(ws: OrdersWorkingSet, order: OrderView | null): void {
  if (order === null) return;
  ws.orders.set(order.orderId, order);
  ws.changedOrders.add(order.orderId);
}

function foldPaymentEvent(ws: OrdersWorkingSet, event: PaymentStreamEvent): void {
  const { paymentId, orderId } = event.data;
  assertOwnedBy(event, paymentId);
  const fact = evolvePaymentFact(ws.payments.get(paymentId) ?? null, event);
  const order = relinked(ws, orderId, replaced(ws.payments, paymentId, fact), factsOf(ws.shipments, orderId));
  ws.payments.set(paymentId, fact);
  ws.changedPayments.add(paymentId);
  setOrder(ws, order);
}

function foldShipmentEvent(ws: OrdersWorkingSet, event: ShipmentStreamEvent): void {
  const { shipmentId, orderId } = event.data;
  assertOwnedBy(event, shipmentId);
  const fact = evolveShipmentFact(ws.shipments.get(shipmentId) ?? null, event);
  const order = relinked(ws, orderId, factsOf(ws.payments, orderId), replaced(ws.shipments, shipmentId, fact));
  ws.shipments.set(shipmentId, fact);
  ws.changedShipments.add(shipmentId);
  setOrder(ws, order);
}

/**
 * Folds one event into the working set. No I/O; a throw (a corrupt event) leaves the
 * working set as it was, so the batch can still save everything else.
 */
export function foldOrdersEvent(ws: OrdersWorkingSet, event: ProjectedEvent): void {
  switch (eventStreamType[event.type]) {
    case 'Order':
      return foldOrderEvent(ws, event as OrderStreamEvent);
    case 'Payment':
      return foldPaymentEvent(ws, event as PaymentStreamEvent);
    case 'Shipment':
      return foldShipmentEvent(ws, event as ShipmentStreamEvent);
    default:
      return undefined;
  }
}
