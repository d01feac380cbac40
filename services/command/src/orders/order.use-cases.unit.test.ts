import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentSchemaVersion, orderStreamId } from '@orderflow/contracts';
import { createMemoryEventStore } from '@orderflow/event-store';
import { isAppError } from '@orderflow/platform/errors';
import { contextFor, memoryKit } from '../testing/command-test-kit.js';
import { createOrderInput } from '../testing/fixtures.js';

const isCode = (code: string) => (e: unknown) => isAppError(e) && e.code === code;

async function createdOrder(kit = memoryKit()) {
  const input = createOrderInput();
  const result = await kit.commands.createOrder(input, contextFor(input));
  return { kit, orderId: result.response.aggregateId, result };
}

describe('order use cases', () => {
  describe('createOrder', () => {
    it('creates the order under a new id at version 1', async () => {
      const { kit, orderId, result } = await createdOrder();
      assert.deepEqual(result.response.events, ['OrderCreated']);
      assert.equal(result.response.version, 1);
      assert.equal(result.replayed, false);
      const { events } = await kit.store.readStream(orderStreamId(orderId));
      assert.equal(events[0]?.metadata.causationId, result.response.commandId);
    });

    it('answers a repeat of the same key and request with the stored response, appending nothing', async () => {
      const kit = memoryKit();
      const input = createOrderInput();
      const first = await kit.commands.createOrder(input, contextFor(input, { key: 'create-1' }));
      const again = await kit.commands.createOrder(input, contextFor(input, { key: 'create-1' }));
      assert.equal(again.replayed, true);
      assert.deepEqual(again.response, first.response);
      assert.equal(await kit.store.streamVersion(orderStreamId(first.response.aggregateId)), 1);
    });

    it('refuses the same key with another request', async () => {
      const kit = memoryKit();
      const input = createOrderInput();
      await kit.commands.createOrder(input, contextFor(input, { key: 'create-2' }));
      const other = createOrderInput({ customerId: 'cust-2' });
      await assert.rejects(kit.commands.createOrder(other, contextFor(other, { key: 'create-2' })), isCode('IDEMPOTENCY_KEY_REUSED'));
    });

    it('reads the stream after all when the id it assumed new is taken, and answers as the decider does', async () => {
      // the stream of a key whose record is gone (expired): the append's idempotency check cannot answer
      const earlier = memoryKit();
      const input = createOrderInput();
      const created = await earlier.commands.createOrder(input, contextFor(input, { key: 'create-expired' }));
      const streamId = orderStreamId(created.response.aggregateId);
      const store = createMemoryEventStore({ currentSchemaVersions: currentSchemaVersion });
      const copied = (await earlier.store.readStream(streamId)).events.map(({ type, data, metadata }) => ({ type, data, metadata }));
      await store.appendToStream(streamId, copied, { streamType: 'Order', expectedVersion: 'no_stream' });
      let reads = 0;
      const kit = memoryKit({ store: { ...store, loadStream: (...args) => ((reads += 1), store.loadStream(...args)) } });
      await assert.rejects(kit.commands.createOrder(input, contextFor(input, { key: 'create-expired' })), isCode('ORDER_ALREADY_EXISTS'));
      assert.equal(reads, 1);
      assert.equal(await store.streamVersion(streamId), 1);
    });

    it('stamps correlation, causation, user and trace on the events', async () => {
      const kit = memoryKit();
      const input = createOrderInput();
      const ctx = { ...contextFor(input), userId: 'user-7', trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: null } };
      const result = await kit.commands.createOrder(input, ctx);
      const [event] = (await kit.store.readStream(orderStreamId(result.response.aggregateId))).events;
      assert.deepEqual(event?.metadata, {
        correlationId: ctx.correlationId,
        causationId: ctx.commandId,
        commandId: ctx.commandId,
        userId: 'user-7',
        traceparent: ctx.trace.traceparent,
        tracestate: null,
      });
    });
  });

  describe('addOrderItem', () => {
    it("takes the order's currency when none is given", async () => {
      const { kit, orderId } = await createdOrder();
      const input = { orderId, productId: 'sku-cup', quantity: 1, unitPrice: 500 };
      const result = await kit.commands.addOrderItem(input, contextFor(input));
      assert.deepEqual(result.response.events, ['OrderItemAdded']);
      const { events } = await kit.store.readStream(orderStreamId(orderId), { fromVersion: 2 });
      assert.equal((events[0]?.data as { currency: string }).currency, 'EUR');
    });

    it('reports an unknown order as not found, not as a currency problem', async () => {
      const input = { orderId: 'no-such-order', productId: 'sku-cup', quantity: 1, unitPrice: 500 };
      await assert.rejects(memoryKit().commands.addOrderItem(input, contextFor(input)), isCode('ORDER_NOT_FOUND'));
    });

    it('applies with If-Match at the current version and refuses at a stale one, without retrying', async () => {
      const { kit, orderId } = await createdOrder();
      const input = { orderId, productId: 'sku-cup', quantity: 1, unitPrice: 500 };
      const applied = await kit.commands.addOrderItem(input, contextFor(input, { expectedVersion: 1 }));
      assert.equal(applied.response.version, 2);
      const stale = { ...input, productId: 'sku-pot' };
      await assert.rejects(kit.commands.addOrderItem(stale, contextFor(stale, { expectedVersion: 1 })), isCode('CONCURRENCY_CONFLICT'));
      assert.equal(await kit.store.streamVersion(orderStreamId(orderId)), 2);
    });
  });

  describe('confirm, ship, pay', () => {
    it('ships with the shipment the order was confirmed with, and records a payment once', async () => {
      const { kit, orderId } = await createdOrder();
      const confirm = { orderId, paymentId: 'pay-1', shipmentId: 'shp-1' };
      await kit.commands.confirmOrder(confirm, contextFor(confirm));
      const ship = { orderId, trackingNumber: 'TRK-1' };
      await kit.commands.shipOrder(ship, contextFor(ship));
      const pay = { orderId, amount: 2500, currency: 'EUR' };
      const paid = await kit.commands.recordPayment(pay, contextFor(pay));
      assert.deepEqual(paid.response.events, ['PaymentProcessed']);
      const { events } = await kit.store.readStream(orderStreamId(orderId));
      assert.deepEqual(events.map((e) => e.type), ['OrderCreated', 'OrderConfirmed', 'OrderShipped', 'PaymentProcessed']);
      assert.equal((events[2]?.data as { shipmentId: string }).shipmentId, 'shp-1');
      assert.equal((events[3]?.data as { paymentId: string }).paymentId, 'pay-1');
      await assert.rejects(kit.commands.recordPayment(pay, contextFor(pay)), isCode('ORDER_ALREADY_PAID'));
    });

    it('answers a replayed confirmation from the store although the order is confirmed now', async () => {
      const { kit, orderId } = await createdOrder();
      const input = { orderId };
      const first = await kit.commands.confirmOrder(input, contextFor(input, { key: 'confirm-1' }));
      const again = await kit.commands.confirmOrder(input, contextFor(input, { key: 'confirm-1' }));
      assert.equal(again.replayed, true);
      assert.equal(again.response.version, first.response.version);
      await assert.rejects(kit.commands.confirmOrder(input, contextFor(input, { key: 'confirm-2' })), isCode('ORDER_ALREADY_CONFIRMED'));
    });
  });

  it('counts commands by outcome', async () => {
    const { kit, orderId } = await createdOrder();
    const input = { orderId: `${orderId}-missing` };
    await assert.rejects(kit.commands.cancelOrder(input, contextFor(input)));
    const text = await kit.metrics.metrics();
    assert.match(text, /command_handled_total\{command="CreateOrder",outcome="accepted",service="command-test"\} 1/);
    assert.match(text, /command_handled_total\{command="CancelOrder",outcome="not_found",service="command-test"\} 1/);
  });
});
