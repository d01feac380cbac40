import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventCountsByOrder, orderVersion, stockLedger } from './support/event-ledger.js';
import { createOrder, orderBody, postJson, replenish, type OrderLine } from './support/orders.js';
import { inventoryAtVersion, orderAtVersion } from './support/query-api.js';
import { createSagaAdmin, type SagaAdmin } from './support/sagas.js';
import { startSystem, type System } from './support/system.js';

/**
 * The order saga's four endings, driven through the public REST API with every service as
 * its own process: each outcome is read back from the saga admin API, the event store
 * (every effect exactly once) and the query API.
 */
const SAGA_MS = 60_000;

describe('order saga outcomes, every service its own process', { timeout: 240_000 }, () => {
  let system: System;
  let admin: SagaAdmin;

  before(async () => {
    system = await startSystem({
      services: ['command', 'outbox-relay', 'projection', 'query', 'saga-orchestrator'],
      env: { 'saga-orchestrator': { SAGA_BACKOFF_BASE_MS: '50', SAGA_BACKOFF_MAX_MS: '500' } },
    });
    admin = createSagaAdmin(system.url('saga-orchestrator'));
  });
  after(async () => {
    await system?.shutdown();
  });

  const stocked = async (quantity: number): Promise<string> => {
    const productId = `sku-${randomUUID()}`;
    await replenish(system.url('command'), productId, quantity);
    return productId;
  };

  const place = async (items: OrderLine[], over: Parameters<typeof orderBody>[0] = {}) =>
    (await createOrder(system.url('command'), orderBody({ ...over, items }))).aggregateId;

  const countsOf = async (orderId: string) => Object.fromEntries((await eventCountsByOrder(system.pool, [orderId])).get(orderId) ?? []);

  const compensationSteps = async (sagaId: string) =>
    (await admin.detail(sagaId)).compensationLog.filter((e) => e.status === 'succeeded').map((e) => e.step);

  it('happy path: stock reserved, payment authorized, shipment created, order CONFIRMED', async () => {
    const productId = await stocked(10);
    const orderId = await place([{ productId, quantity: 3, unitPrice: 1250 }]);

    const saga = await admin.awaitStatus(orderId, 'COMPLETED', SAGA_MS);
    const detail = await admin.detail(saga.sagaId);
    assert.deepEqual(detail.completedSteps, ['reserve_inventory', 'authorize_payment', 'create_shipment', 'confirm_order']);
    assert.equal(detail.failure, null);
    assert.deepEqual(detail.compensationLog, []);

    assert.deepEqual(await countsOf(orderId), {
      OrderCreated: 1,
      InventoryReserved: 1,
      PaymentAuthorized: 1,
      ShipmentCreated: 1,
      OrderConfirmed: 1,
    });
    const payment = await system.pool.query<{ amount: number; order_id: string }>(
      "SELECT (data->>'amount')::int AS amount, data->>'orderId' AS order_id FROM events WHERE stream_id = $1 AND event_type = 'PaymentAuthorized'",
      [`payment-${detail.paymentId}`],
    );
    assert.deepEqual(payment.rows, [{ amount: 3750, order_id: orderId }], 'the saga authorized the order total on its payment');

    const stock = (await stockLedger(system.pool, [productId])).get(productId);
    assert.deepEqual(stock && { replenished: stock.replenished, reserved: stock.reserved, available: stock.available }, { replenished: 10, reserved: 3, available: 7 });

    const view = await orderAtVersion(system.url('query'), orderId, await orderVersion(system.pool, orderId), {
      until: (v) => v.payment !== null && v.shipment !== null,
    });
    assert.equal(view.data.status, 'CONFIRMED');
    assert.equal(view.data.payment?.status, 'AUTHORIZED');
    assert.equal(view.data.payment?.paymentId, detail.paymentId);
    assert.equal(view.data.shipment?.shipmentId, detail.shipmentId);
    assert.deepEqual(await inventoryAtVersion(system.url('query'), productId, stock?.version ?? 0), { productId, available: 7, reserved: 3 });
  });

  it('out of stock: the order is CANCELLED and no payment is ever authorized', async () => {
    const scarce = await stocked(1);
    const plenty = await stocked(50);
    const orderId = await place([
      { productId: plenty, quantity: 1, unitPrice: 500 },
      { productId: scarce, quantity: 2, unitPrice: 500 },
    ]);

    const saga = await admin.awaitStatus(orderId, 'COMPENSATED', SAGA_MS);
    const detail = await admin.detail(saga.sagaId);
    assert.equal(detail.failure?.step, 'reserve_inventory');
    assert.equal(detail.failure?.code, 'INSUFFICIENT_STOCK');
    assert.deepEqual(await compensationSteps(saga.sagaId), ['cancel_order']);

    // all or nothing: the line in stock was not reserved either, so nothing is released
    assert.deepEqual(await countsOf(orderId), { OrderCreated: 1, InventoryReservationFailed: 1, OrderCancelled: 1 });
    const stock = await stockLedger(system.pool, [scarce, plenty]);
    assert.equal(stock.get(scarce)?.available, 1);
    assert.equal(stock.get(plenty)?.available, 50);

    const view = await orderAtVersion(system.url('query'), orderId, await orderVersion(system.pool, orderId));
    assert.equal(view.data.status, 'CANCELLED');
    assert.equal(view.data.payment, null);
  });

  it('declined payment: the inventory is released exactly once and the order CANCELLED', async () => {
    const productId = await stocked(10);
    const orderId = await place([{ productId, quantity: 4, unitPrice: 999 }], { token: 'tok_declined' });

    const saga = await admin.awaitStatus(orderId, 'COMPENSATED', SAGA_MS);
    const detail = await admin.detail(saga.sagaId);
    assert.equal(detail.failure?.step, 'authorize_payment');
    assert.equal(detail.failure?.code, 'card_declined');
    assert.deepEqual(await compensationSteps(saga.sagaId), ['release_inventory', 'cancel_order']);

    assert.deepEqual(await countsOf(orderId), {
      OrderCreated: 1,
      InventoryReserved: 1,
      PaymentDeclined: 1,
      InventoryReleased: 1,
      OrderCancelled: 1,
    });
    const stock = (await stockLedger(system.pool, [productId])).get(productId);
    assert.deepEqual(stock && { reserved: stock.reserved, released: stock.released, available: stock.available }, { reserved: 4, released: 4, available: 10 });

    const view = await orderAtVersion(system.url('query'), orderId, await orderVersion(system.pool, orderId));
    assert.equal(view.data.status, 'CANCELLED');
    assert.match(view.data.cancellationReason ?? '', /authorize_payment/);
    assert.deepEqual(await inventoryAtVersion(system.url('query'), productId, stock?.version ?? 0), { productId, available: 10, reserved: 0 });
  });

  it('unshippable address: the authorization is voided, the inventory released, each exactly once, and the order CANCELLED', async () => {
    const productId = await stocked(10);
    const orderId = await place([{ productId, quantity: 2, unitPrice: 2000 }], { country: 'XX' });

    const saga = await admin.awaitStatus(orderId, 'COMPENSATED', SAGA_MS);
    const detail = await admin.detail(saga.sagaId);
    assert.equal(detail.failure?.step, 'create_shipment');
    assert.equal(detail.failure?.code, 'ADDRESS_NOT_SERVICEABLE');
    // newest first: the authorization is voided before the stock goes back
    assert.deepEqual(await compensationSteps(saga.sagaId), ['void_payment', 'release_inventory', 'cancel_order']);

    assert.deepEqual(await countsOf(orderId), {
      OrderCreated: 1,
      InventoryReserved: 1,
      PaymentAuthorized: 1,
      ShipmentRejected: 1,
      PaymentVoided: 1,
      InventoryReleased: 1,
      OrderCancelled: 1,
    });
    const voided = await system.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND event_type = 'PaymentVoided'",
      [`payment-${detail.paymentId}`],
    );
    assert.equal(voided.rows[0]?.n, 1, 'the void hit the payment the saga authorized');
    assert.equal((await stockLedger(system.pool, [productId])).get(productId)?.available, 10);

    const view = await orderAtVersion(system.url('query'), orderId, await orderVersion(system.pool, orderId), {
      until: (v) => v.payment?.status !== 'AUTHORIZED',
    });
    assert.equal(view.data.status, 'CANCELLED');
    assert.equal(view.data.payment?.status, 'VOIDED');
  });

  it('an item added while the saga runs: the order is not confirmed as changed; every step is undone and the order CANCELLED', async () => {
    const productId = await stocked(10);
    const added = await stocked(10);
    const orderId = await place([{ productId, quantity: 2, unitPrice: 1500 }]);
    // the saga reserves and charges for the order as created; this line is neither reserved nor paid for
    const change = await postJson(`${system.url('command')}/api/v1/orders/${orderId}/items`, { productId: added, quantity: 1, unitPrice: 700 });
    assert.equal(change.status, 202);

    const saga = await admin.awaitStatus(orderId, 'COMPENSATED', SAGA_MS);
    const detail = await admin.detail(saga.sagaId);
    assert.equal(detail.failure?.step, 'confirm_order');
    assert.equal(detail.failure?.code, 'ORDER_CHANGED');
    assert.deepEqual(await compensationSteps(saga.sagaId), ['cancel_shipment', 'void_payment', 'release_inventory', 'cancel_order']);
    assert.deepEqual(await countsOf(orderId), {
      OrderCreated: 1,
      OrderItemAdded: 1,
      InventoryReserved: 1,
      PaymentAuthorized: 1,
      ShipmentCreated: 1,
      ShipmentCancelled: 1,
      PaymentVoided: 1,
      InventoryReleased: 1,
      OrderCancelled: 1,
    });
    const stock = await stockLedger(system.pool, [productId, added]);
    assert.equal(stock.get(productId)?.available, 10);
    assert.equal(stock.get(added)?.available, 10);

    const view = await orderAtVersion(system.url('query'), orderId, await orderVersion(system.pool, orderId), {
      until: (v) => v.payment?.status !== 'AUTHORIZED',
    });
    assert.equal(view.data.status, 'CANCELLED');
    assert.equal(view.data.payment?.status, 'VOIDED');
    assert.match(view.data.cancellationReason ?? '', /confirm_order/);
  });
});
