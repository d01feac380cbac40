import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createOrder, orderBody, postJson } from './support/orders.js';
import { startSystem, type System } from './support/system.js';

type OrderView = {
  data: { orderId: string; customerId: string; status: string; totalAmount: number; currency: string; items: { productId: string; quantity: number; unitPrice: number }[] };
  meta: { version: number; cached: boolean; stale?: boolean; lastUpdated: string };
};

describe('read your writes across processes: command -> relay -> Kafka -> projection -> query', { timeout: 180_000 }, () => {
  let system: System;

  before(async () => {
    system = await startSystem({ services: ['command', 'outbox-relay', 'projection', 'query'] });
  });
  after(async () => {
    await system?.shutdown();
  });

  it('a read with minVersion from the 202 returns the order with the same items and total, without sleeping', async () => {
    const items = [
      { productId: `sku-${randomUUID()}`, quantity: 2, unitPrice: 1250 },
      { productId: `sku-${randomUUID()}`, quantity: 1, unitPrice: 999 },
    ];
    const body = orderBody({ items });
    const accepted = await createOrder(system.url('command'), body);
    assert.equal(accepted.version, 1);

    const res = await fetch(`${system.url('query')}/api/v1/orders/${accepted.aggregateId}?minVersion=${accepted.version}`);
    assert.equal(res.status, 200);
    const view = (await res.json()) as OrderView;
    assert.notEqual(view.meta.stale, true, 'the read model caught up within the bounded wait');
    assert.ok(view.meta.version >= accepted.version);
    assert.equal(view.data.orderId, accepted.aggregateId);
    assert.equal(view.data.customerId, body.customerId);
    assert.equal(view.data.totalAmount, 2 * 1250 + 999);
    assert.deepEqual(
      view.data.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPrice: i.unitPrice })),
      items,
    );
  });

  it('a later change is visible at its own version: cancel, then read with the new minVersion', async () => {
    const accepted = await createOrder(system.url('command'), orderBody());
    const cancel = await postJson(`${system.url('command')}/api/v1/orders/${accepted.aggregateId}/cancel`, { reason: 'changed my mind' });
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const version = Number(cancel.body.version);
    assert.equal(version, 2);

    const res = await fetch(`${system.url('query')}/api/v1/orders/${accepted.aggregateId}?minVersion=${version}`);
    const view = (await res.json()) as OrderView;
    assert.equal(res.status, 200);
    assert.equal(view.meta.version, 2);
    assert.equal(view.data.status, 'CANCELLED');
  });
});
