import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import { toSagaInput } from './order-saga.inputs.js';

const now = new Date('2025-03-01T10:00:00.000Z');
let n = 0;
const ctx = { now, correlationId: 'corr-9', newId: () => `id-${++n}` };

describe('toSagaInput', () => {
  it('gives a new saga fresh ids and the event\'s correlation id', () => {
    const input = toSagaInput('OrderCreated', { ...eventFixtures.OrderCreated.data }, ctx);
    assert.equal(input?.type, 'OrderCreated');
    assert.deepEqual(input?.metadata, { now, sagaId: 'id-1', paymentId: 'id-2', shipmentId: 'id-3', correlationId: 'corr-9' });
  });
  it('falls back to the order id as correlation id', () => {
    const input = toSagaInput('OrderCreated', { ...eventFixtures.OrderCreated.data }, { ...ctx, correlationId: null });
    assert.ok(input?.type === 'OrderCreated');
    assert.equal(input.metadata.correlationId, eventFixtures.OrderCreated.data.orderId);
  });
  it('passes result events through with the clock', () => {
    const input = toSagaInput('PaymentDeclined', { ...eventFixtures.PaymentDeclined.data }, ctx);
    assert.deepEqual(input, { type: 'PaymentDeclined', data: eventFixtures.PaymentDeclined.data, metadata: { now } });
  });
  it('ignores events the saga does not react to', () => {
    assert.equal(toSagaInput('StockReplenished', { ...eventFixtures.StockReplenished.data }, ctx), null);
    assert.equal(toSagaInput('OrderItemAdded', { ...eventFixtures.OrderItemAdded.data }, ctx), null);
  });
});
