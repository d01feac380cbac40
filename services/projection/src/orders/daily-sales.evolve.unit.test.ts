import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '@orderflow/contracts';
import { recorded } from '../testing/recorded-events.js';
import type { OrderStreamEvent } from '../projected-event.js';
import { evolveDailySales, salesFactsOf } from './daily-sales.evolve.js';
import { evolveOrderView } from './order-view.evolve.js';
import type { OrderView } from './order-view.js';

const facts = (occurredAt: string) => ({ orderId: 'ord-1', customerId: 'cust-1', occurredAt });
const created: OrderEvent = {
  type: 'OrderCreated',
  data: {
    ...facts('2025-03-01T23:30:00.000Z'),
    currency: 'USD',
    items: [{ productId: 'SKU-1', quantity: 2, unitPrice: 500 }],
    totalAmount: 1000,
    shippingAddress: { line1: 'a', city: 'b', postalCode: 'c', country: 'US' },
    paymentMethod: { type: 'card', token: 't' },
  },
};

function step(before: OrderView | null, event: OrderEvent, version: number) {
  const e = recorded(event, version) as OrderStreamEvent;
  const after = evolveOrderView(before, e);
  return { after, facts: salesFactsOf(before, after, e) };
}

describe('daily sales', () => {
  const first = step(null, created, 1);

  it('a created order counts with its total on its UTC creation day', () => {
    assert.deepEqual(first.facts, [{ day: '2025-03-01', currency: 'USD', orders: 1, revenue: 1000, cancellations: 0 }]);
  });

  it('an item change adjusts the creation day revenue, even when it happens the next day', () => {
    const added = step(first.after, { type: 'OrderItemAdded', data: { ...facts('2025-03-02T08:00:00.000Z'), productId: 'SKU-2', quantity: 1, unitPrice: 300, currency: 'USD', totalAmount: 1300 } }, 2);
    assert.deepEqual(added.facts, [{ day: '2025-03-01', currency: 'USD', orders: 0, revenue: 300, cancellations: 0 }]);
  });

  it('a cancellation counts on the day it happened, in the order currency', () => {
    const cancelled = step(first.after, { type: 'OrderCancelled', data: { ...facts('2025-03-03T01:00:00.000Z'), reason: null, previousStatus: 'pending' } }, 2);
    assert.deepEqual(cancelled.facts, [{ day: '2025-03-03', currency: 'USD', orders: 0, revenue: 0, cancellations: 1 }]);
  });

  it('confirmations and payments change nothing', () => {
    const paid = step(first.after, { type: 'PaymentProcessed', data: { ...facts('2025-03-02T00:00:00.000Z'), paymentId: 'p', amount: 1000, currency: 'USD' } }, 2);
    assert.deepEqual(paid.facts, []);
  });

  it('evolve adds facts of the same day up', () => {
    const day = { day: '2025-03-01', currency: 'USD' };
    const row = [
      { ...day, orders: 1, revenue: 1000, cancellations: 0 },
      { ...day, orders: 1, revenue: 250, cancellations: 0 },
      { ...day, orders: 0, revenue: 0, cancellations: 1 },
    ].reduce(evolveDailySales, null as never);
    assert.deepEqual(row, { ...day, orders: 2, revenue: 1250, cancellations: 1 });
  });
});
