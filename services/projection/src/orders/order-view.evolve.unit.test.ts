import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '@orderflow/contracts';
import { recorded } from '../testing/recorded-events.js';
import type { OrderStreamEvent } from '../projected-event.js';
import { evolveOrderView, linkOrder } from './order-view.evolve.js';
import type { OrderView, PaymentFact, ShipmentFact } from './order-view.js';

const orderId = 'ord-1';
const facts = (minute: number) => ({ orderId, customerId: 'cust-1', occurredAt: `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z` });
const address = { line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' };

const created: OrderEvent = {
  type: 'OrderCreated',
  data: {
    ...facts(0),
    currency: 'EUR',
    items: [
      { productId: 'SKU-MUG', quantity: 2, unitPrice: 1250 },
      { productId: 'SKU-POT', quantity: 1, unitPrice: 4999 },
    ],
    totalAmount: 7499,
    shippingAddress: address,
    paymentMethod: { type: 'card', token: 'tok_visa' },
  },
};

/** Folds events numbered 1, 2, 3 ... from no row. */
const fold = (...events: OrderEvent[]): OrderView | null =>
  events.reduce<OrderView | null>((row, e, i) => evolveOrderView(row, recorded(e, i + 1) as OrderStreamEvent), null);

const view = (...events: OrderEvent[]): OrderView => {
  const row = fold(...events);
  assert.ok(row);
  return row;
};

describe('order view', () => {
  describe('given no row', () => {
    it('OrderCreated makes a pending row with lines, totals and units', () => {
      const row = view(created);
      assert.equal(row.status, 'PENDING');
      assert.equal(row.customerId, 'cust-1');
      assert.equal(row.currency, 'EUR');
      assert.equal(row.totalAmount, 7499);
      assert.equal(row.itemCount, 3);
      assert.deepEqual(row.items, [
        { productId: 'SKU-MUG', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
        { productId: 'SKU-POT', quantity: 1, unitPrice: 4999, lineTotal: 4999 },
      ]);
      assert.deepEqual(row.shippingAddress, address);
      assert.equal(row.version, 1);
      assert.equal(row.createdAt, '2025-03-01T10:00:00.000Z');
      assert.equal(row.updatedAt, row.createdAt);
      assert.equal(row.payment, null);
      assert.equal(row.shipment, null);
      assert.equal(row.shippedTrackingNumber, null);
      assert.equal(row.shippedCarrier, null);
    });

    it('any other event leaves no row', () => {
      assert.equal(fold({ type: 'OrderCancelled', data: { ...facts(1), reason: null, previousStatus: 'pending' } }), null);
    });
  });

  describe('given a pending order', () => {
    it('OrderItemAdded raises an existing line and takes the new total', () => {
      const row = view(created, { type: 'OrderItemAdded', data: { ...facts(1), productId: 'SKU-MUG', quantity: 1, unitPrice: 1250, currency: 'EUR', totalAmount: 8749 } });
      assert.deepEqual(row.items[0], { productId: 'SKU-MUG', quantity: 3, unitPrice: 1250, lineTotal: 3750 });
      assert.equal(row.items.length, 2);
      assert.equal(row.itemCount, 4);
      assert.equal(row.totalAmount, 8749);
      assert.equal(row.version, 2);
      assert.equal(row.updatedAt, '2025-03-01T10:01:00.000Z');
    });

    it('OrderItemAdded appends a new product as a line', () => {
      const row = view(created, { type: 'OrderItemAdded', data: { ...facts(1), productId: 'SKU-CUP', quantity: 3, unitPrice: 500, currency: 'EUR', totalAmount: 8999 } });
      assert.deepEqual(row.items.at(-1), { productId: 'SKU-CUP', quantity: 3, unitPrice: 500, lineTotal: 1500 });
      assert.equal(row.itemCount, 6);
    });

    it('OrderItemRemoved drops the line', () => {
      const row = view(created, { type: 'OrderItemRemoved', data: { ...facts(1), productId: 'SKU-POT', quantity: 1, unitPrice: 4999, currency: 'EUR', totalAmount: 2500 } });
      assert.deepEqual(row.items.map((l) => l.productId), ['SKU-MUG']);
      assert.equal(row.totalAmount, 2500);
      assert.equal(row.itemCount, 2);
    });

    it('PaymentProcessed makes it PAID with a captured payment', () => {
      const row = view(created, { type: 'PaymentProcessed', data: { ...facts(1), paymentId: 'pay-1', amount: 7499, currency: 'EUR' } });
      assert.equal(row.status, 'PAID');
      assert.equal(row.paymentId, 'pay-1');
      assert.deepEqual(row.payment, { paymentId: 'pay-1', status: 'CAPTURED', amount: 7499 });
    });

    it('OrderCancelled keeps the reason', () => {
      const row = view(created, { type: 'OrderCancelled', data: { ...facts(1), reason: 'changed my mind', previousStatus: 'pending' } });
      assert.equal(row.status, 'CANCELLED');
      assert.equal(row.cancellationReason, 'changed my mind');
    });

    it('an event that occurred earlier never moves updatedAt back', () => {
      const late = view(created, { type: 'OrderCancelled', data: { ...facts(30), reason: null, previousStatus: 'pending' } });
      const row = evolveOrderView(late, recorded({ type: 'PaymentProcessed', data: { ...facts(5), paymentId: 'p', amount: 1, currency: 'EUR' } }, 3) as OrderStreamEvent);
      assert.equal(row?.updatedAt, '2025-03-01T10:30:00.000Z');
    });
  });

  describe('given a confirmed order', () => {
    const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { ...facts(2), totalAmount: 7499, currency: 'EUR', paymentId: 'pay-1', shipmentId: 'shp-1' } };

    it('OrderConfirmed names the payment and the shipment', () => {
      const row = view(created, confirmed);
      assert.equal(row.status, 'CONFIRMED');
      assert.equal(row.paymentId, 'pay-1');
      assert.equal(row.shipmentId, 'shp-1');
    });

    it('a later PaymentProcessed keeps it CONFIRMED', () => {
      const row = view(created, confirmed, { type: 'PaymentProcessed', data: { ...facts(3), paymentId: 'pay-1', amount: 7499, currency: 'EUR' } });
      assert.equal(row.status, 'CONFIRMED');
    });

    it('OrderShipped makes it SHIPPED with the tracking number and the carrier', () => {
      const shipped: OrderEvent = { type: 'OrderShipped', data: { ...facts(4), shipmentId: 'shp-1', trackingNumber: 'TRK-9', carrier: 'dhl' } };
      const row = view(created, confirmed, shipped);
      assert.equal(row.status, 'SHIPPED');
      assert.equal(row.shippedTrackingNumber, 'TRK-9');
      assert.equal(row.shippedCarrier, 'dhl');
      assert.equal(row.version, 3);
      assert.deepEqual(linkOrder(row, [], []).shipment, { shipmentId: 'shp-1', carrier: 'dhl', trackingNumber: 'TRK-9' });
    });

    it('OrderShipped recorded before it named a carrier, or naming none, leaves the carrier null', () => {
      const old: OrderEvent = { type: 'OrderShipped', data: { ...facts(4), shipmentId: 'shp-1', trackingNumber: 'TRK-9' } };
      assert.equal(view(created, confirmed, old).shippedCarrier, null);
      assert.equal(view(created, confirmed, { ...old, data: { ...old.data, carrier: null } }).shippedCarrier, null);
      assert.deepEqual(linkOrder(view(created, confirmed, old), [], []).shipment, { shipmentId: 'shp-1', carrier: null, trackingNumber: 'TRK-9' });
    });
  });
});

describe('linking payments and shipments', () => {
  const base = view(created);
  const payment = (paymentId: string, status: PaymentFact['status'], minute: number): PaymentFact => ({
    paymentId,
    orderId,
    status,
    amount: 7499,
    currency: 'EUR',
    occurredAt: `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`,
  });
  const shipment = (shipmentId: string, status: ShipmentFact['status'], minute: number): ShipmentFact => ({
    shipmentId,
    orderId,
    status,
    carrier: 'sim',
    trackingNumber: `TRK-${shipmentId}`,
    occurredAt: `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`,
  });

  it('an unnamed order shows its most recent payment, and updatedAt follows the facts', () => {
    const row = linkOrder(base, [payment('p-old', 'DECLINED', 1), payment('p-new', 'AUTHORIZED', 2)], []);
    assert.deepEqual(row.payment, { paymentId: 'p-new', status: 'AUTHORIZED', amount: 7499 });
    assert.equal(row.updatedAt, '2025-03-01T11:02:00.000Z');
  });

  it('the payment the order names wins over a more recent one', () => {
    const named = { ...base, paymentId: 'p-old' };
    assert.equal(linkOrder(named, [payment('p-old', 'CAPTURED', 1), payment('p-new', 'DECLINED', 2)], []).payment?.paymentId, 'p-old');
  });

  it("the Payment stream's status refines PaymentProcessed's CAPTURED", () => {
    const paid = view(created, { type: 'PaymentProcessed', data: { ...facts(1), paymentId: 'pay-1', amount: 7499, currency: 'EUR' } });
    assert.equal(linkOrder(paid, [], []).payment?.status, 'CAPTURED');
    assert.equal(linkOrder(paid, [payment('pay-1', 'REFUNDED', 9)], []).payment?.status, 'REFUNDED');
  });

  it('a live shipment shows until the order names its own; rejected ones never show', () => {
    assert.equal(linkOrder(base, [], [shipment('s-1', 'REJECTED', 1)]).shipment, null);
    assert.deepEqual(linkOrder(base, [], [shipment('s-2', 'CREATED', 1)]).shipment, { shipmentId: 's-2', carrier: 'sim', trackingNumber: 'TRK-s-2' });
    const named = { ...base, shipmentId: 's-3', shippedTrackingNumber: 'TRK-OVERRIDE' };
    assert.deepEqual(linkOrder(named, [], [shipment('s-3', 'CREATED', 1)]).shipment, { shipmentId: 's-3', carrier: 'sim', trackingNumber: 'TRK-OVERRIDE' });
    assert.deepEqual(linkOrder(named, [], []).shipment, { shipmentId: 's-3', carrier: null, trackingNumber: 'TRK-OVERRIDE' });
  });

  it("the carrier OrderShipped recorded wins over the Shipment stream's; without one, the stream's shows", () => {
    const shipped = { ...base, shipmentId: 's-4', shippedTrackingNumber: 'TRK-4', shippedCarrier: 'dhl' };
    assert.deepEqual(linkOrder(shipped, [], [shipment('s-4', 'CREATED', 1)]).shipment, { shipmentId: 's-4', carrier: 'dhl', trackingNumber: 'TRK-4' });
    assert.deepEqual(linkOrder(shipped, [], []).shipment, { shipmentId: 's-4', carrier: 'dhl', trackingNumber: 'TRK-4' });
    const unnamed = { ...shipped, shippedCarrier: null };
    assert.deepEqual(linkOrder(unnamed, [], [shipment('s-4', 'CREATED', 1)]).shipment, { shipmentId: 's-4', carrier: 'sim', trackingNumber: 'TRK-4' });
  });

  it('depends on the set of facts, not on their order', () => {
    const facts1 = [payment('a', 'DECLINED', 1), payment('b', 'AUTHORIZED', 1)];
    assert.deepEqual(linkOrder(base, facts1, []), linkOrder(base, [...facts1].reverse(), []));
  });
});
