import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import type { OrderEvent } from '@orderflow/contracts';
import { recorded } from '../testing/recorded-events.js';
import type { OrderStreamEvent } from '../projected-event.js';
import { customerKeyOf, evolveCustomerSummary, type CustomerSummary } from './customer-summary.evolve.js';

const fold = (...events: OrderEvent[]) =>
  events.reduce<CustomerSummary | null>((row, e, i) => evolveCustomerSummary(row, recorded(e, i + 1) as OrderStreamEvent), null);

const createdAt = (occurredAt: string): OrderEvent => ({ ...eventFixtures.OrderCreated, data: { ...eventFixtures.OrderCreated.data, occurredAt } });

describe('customer order summary', () => {
  it('counts created orders and keeps the latest creation', () => {
    const row = fold(createdAt('2025-03-02T00:00:00.000Z'), createdAt('2025-03-01T00:00:00.000Z'));
    assert.deepEqual(row, { customerId: 'cust-42', currency: 'EUR', orderCount: 2, totalSpent: 0, lastOrderAt: '2025-03-02T00:00:00.000Z' });
  });

  it('adds captured payments to what was spent', () => {
    assert.equal(fold(eventFixtures.OrderCreated, eventFixtures.PaymentProcessed)?.totalSpent, 7499);
  });

  it('other order events leave it alone', () => {
    assert.equal(fold(eventFixtures.OrderCancelled), null);
    assert.equal(customerKeyOf(recorded(eventFixtures.OrderShipped, 1) as OrderStreamEvent), null);
  });

  it('folds from an empty delta the same way as from a stored row, so deltas add up', () => {
    const stored = fold(eventFixtures.OrderCreated);
    const delta = fold(eventFixtures.OrderCreated, eventFixtures.PaymentProcessed);
    const whole = fold(eventFixtures.OrderCreated, eventFixtures.OrderCreated, eventFixtures.PaymentProcessed);
    assert.equal((stored?.orderCount ?? 0) + (delta?.orderCount ?? 0), whole?.orderCount);
    assert.equal((stored?.totalSpent ?? 0) + (delta?.totalSpent ?? 0), whole?.totalSpent);
  });
});
