import { assertNever, type OrderLine } from '@orderflow/contracts';
import { laterOf, type OrderStreamEvent } from '../projected-event.js';
import type { OrderLineView, OrderView, PaymentFact, ShipmentFact } from './order-view.js';

const lineOf = (l: OrderLine): OrderLineView => ({
  productId: l.productId,
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  lineTotal: l.quantity * l.unitPrice,
});

const unitsOf = (items: readonly OrderLineView[]): number => items.reduce((n, l) => n + l.quantity, 0);

function withAddedLine(items: readonly OrderLineView[], added: OrderLine): readonly OrderLineView[] {
  const existing = items.find((l) => l.productId === added.productId);
  if (!existing) return [...items, lineOf(added)];
  return items.map((l) => (l === existing ? lineOf({ ...l, quantity: l.quantity + added.quantity }) : l));
}

const withItems = (row: OrderView, items: readonly OrderLineView[], totalAmount: number): OrderView => ({
  ...row,
  items,
  itemCount: unitsOf(items),
  totalAmount,
});

/**
 * Folds one event of the order's own stream into its row. Payment and shipment
 * summaries are settled afterwards by `linkOrder`, from facts of other streams.
 */
export function evolveOrderView(row: OrderView | null, event: OrderStreamEvent): OrderView | null {
  if (event.type === 'OrderCreated') {
    const d = event.data;
    const items = d.items.map(lineOf);
    return {
      orderId: d.orderId,
      customerId: d.customerId,
      status: 'PENDING',
      currency: d.currency,
      totalAmount: d.totalAmount,
      itemCount: unitsOf(items),
      items,
      shippingAddress: d.shippingAddress,
      payment: null,
      shipment: null,
      cancellationReason: null,
      version: event.streamVersion,
      createdAt: d.occurredAt,
      updatedAt: d.occurredAt,
      paymentId: null,
      shipmentId: null,
      shippedTrackingNumber: null,
      shippedCarrier: null,
    };
  }
  // dedupe applies a stream from version 1 without gaps, so a row exists past OrderCreated
  if (row === null) return null;
  const next = { ...row, version: event.streamVersion, updatedAt: laterOf(row.updatedAt, event.data.occurredAt) };
  switch (event.type) {
    case 'OrderItemAdded':
      return withItems(next, withAddedLine(row.items, event.data), event.data.totalAmount);
    case 'OrderItemRemoved':
      return withItems(next, row.items.filter((l) => l.productId !== event.data.productId), event.data.totalAmount);
    case 'PaymentProcessed': {
      const { paymentId, amount } = event.data;
      // captured money is recorded here; the Payment stream's facts refine it when they arrive
      return { ...next, status: row.status === 'PENDING' ? 'PAID' : row.status, paymentId, payment: { paymentId, status: 'CAPTURED', amount } };
    }
    case 'OrderConfirmed':
      return {
        ...next,
        status: 'CONFIRMED',
        paymentId: event.data.paymentId ?? row.paymentId,
        shipmentId: event.data.shipmentId ?? row.shipmentId,
      };
    case 'OrderCancelled':
      return { ...next, status: 'CANCELLED', cancellationReason: event.data.reason };
    case 'OrderShipped':
      return {
        ...next,
        status: 'SHIPPED',
        shipmentId: event.data.shipmentId,
        shippedTrackingNumber: event.data.trackingNumber,
        shippedCarrier: event.data.carrier ?? null,
      };
    default:
      return assertNever(event, 'order event');
  }
}

const byRecency = <T extends { occurredAt: string }>(key: (t: T) => string) => (a: T, b: T) =>
  Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || key(a).localeCompare(key(b));

/** The order's named payment, else its most recent one; a pure function of the final facts. */
function paymentSummaryOf(row: OrderView, payments: readonly PaymentFact[]): OrderView['payment'] {
  const named = row.paymentId === null ? undefined : payments.find((p) => p.paymentId === row.paymentId);
  const fact = named ?? (row.paymentId === null ? [...payments].sort(byRecency((p) => p.paymentId))[0] : undefined);
  if (fact) return { paymentId: fact.paymentId, status: fact.status, amount: fact.amount };
  return row.payment !== null && row.payment.paymentId === row.paymentId ? row.payment : null;
}

/** The order's named shipment, else its most recent live one. */
function shipmentSummaryOf(row: OrderView, shipments: readonly ShipmentFact[]): OrderView['shipment'] {
  if (row.shipmentId !== null) {
    const fact = shipments.find((s) => s.shipmentId === row.shipmentId);
    return {
      shipmentId: row.shipmentId,
      carrier: row.shippedCarrier ?? fact?.carrier ?? null,
      trackingNumber: row.shippedTrackingNumber ?? fact?.trackingNumber ?? null,
    };
  }
  const live = shipments.filter((s) => s.status === 'CREATED').sort(byRecency((s) => s.shipmentId))[0];
  return live ? { shipmentId: live.shipmentId, carrier: live.carrier, trackingNumber: live.trackingNumber } : null;
}

/**
 * Settles the payment and shipment summaries from the facts known for the order.
 * Depends only on the row's own fields and the set of facts, never on arrival order,
 * so consuming the topics in any interleaving ends in the same row.
 */
export function linkOrder(row: OrderView, payments: readonly PaymentFact[], shipments: readonly ShipmentFact[]): OrderView {
  const latest = [...payments.map((p) => p.occurredAt), ...shipments.map((s) => s.occurredAt)].reduce(laterOf, row.updatedAt);
  return { ...row, payment: paymentSummaryOf(row, payments), shipment: shipmentSummaryOf(row, shipments), updatedAt: latest };
}
