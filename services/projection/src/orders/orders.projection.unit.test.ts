import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventStreamType, type RecordedEvent } from '@orderflow/contracts';
import { asProjectedEvent } from '../projected-event.js';
import { orderScenario } from '../testing/order-scenarios.js';
import { recordAll } from '../testing/recorded-events.js';
import { emptyOrdersWorkingSet, foldOrdersEvent, type OrdersWorkingSet } from './orders.projection.js';

const scenario = orderScenario({ orders: 10, runId: 'unit', currency: 'EUR', baseDay: new Date('2025-03-01T20:00:00Z') });
const events = recordAll(scenario.events).filter((e) => eventStreamType[e.type as keyof typeof eventStreamType] !== 'Inventory');

function foldAll(list: readonly RecordedEvent[]): OrdersWorkingSet {
  const ws = emptyOrdersWorkingSet();
  for (const e of list) {
    const p = asProjectedEvent(e);
    if (p) foldOrdersEvent(ws, p);
  }
  return ws;
}

/** Keeps each stream's order but takes whole topics one after another, payments first. */
const topicsInTurn = (list: readonly RecordedEvent[]) =>
  ['Payment', 'Shipment', 'Order'].flatMap((type) => list.filter((e) => e.streamType === type));

describe('orders projection', () => {
  const inOrder = foldAll(events);

  it('folds every order of the scenario into a row at its stream version', () => {
    assert.equal(inOrder.orders.size, 10);
    for (const [orderId, version] of scenario.expected.orderVersions) assert.equal(inOrder.orders.get(orderId)?.version, version);
  });

  it('ends in the same rows whichever topic is consumed first', () => {
    const reordered = foldAll(topicsInTurn(events));
    assert.deepEqual([...reordered.orders.entries()].sort(), [...inOrder.orders.entries()].sort());
    assert.deepEqual([...reordered.payments.entries()].sort(), [...inOrder.payments.entries()].sort());
  });

  it('counts revenue and cancellations as the scenario did', () => {
    const sales = [...inOrder.sales.values()];
    assert.equal(sales.reduce((n, s) => n + s.orders, 0), scenario.expected.orders);
    assert.equal(sales.reduce((n, s) => n + s.revenue, 0), scenario.expected.revenue);
    assert.equal(sales.reduce((n, s) => n + s.cancellations, 0), scenario.expected.cancellations);
    assert.equal([...inOrder.customers.values()].reduce((n, c) => n + c.totalSpent, 0), scenario.expected.spent);
  });

  it('refuses an event recorded on another order\u2019s stream and changes nothing', () => {
    const ws = foldAll(events);
    const before = structuredClone([...ws.orders.entries()]);
    const created = events.find((e) => e.type === 'OrderCreated');
    assert.ok(created);
    const foreign = { ...created, streamId: 'order-somebody-else' };
    const projected = asProjectedEvent(foreign);
    assert.ok(projected);
    assert.throws(() => foldOrdersEvent(ws, projected), /recorded on stream order-somebody-else/);
    assert.deepEqual([...ws.orders.entries()], before);
  });

  it('ignores event types it does not know', () => {
    const created = events.find((e) => e.type === 'OrderCreated');
    assert.ok(created);
    assert.equal(asProjectedEvent({ ...created, type: 'OrderGiftWrapped' }), null);
    assert.equal(asProjectedEvent({ ...created, streamType: 'Payment' }), null);
  });
});
