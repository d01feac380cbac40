import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type Client, type Server } from '@grpc/grpc-js';
import { inventoryStreamId, orderPlanDigest, orderStreamId, paymentStreamId } from '@orderflow/contracts';
import type { EventStore } from '@orderflow/event-store';
import { createLogger } from '@orderflow/platform';
import { address } from '../testing/fixtures.js';
import { contextFor, pgKit, testClock, uniqueId, type CommandKit, type KitOptions, type PgKit } from '../testing/command-test-kit.js';
import { callCommand, grpcError } from '../testing/grpc-test-client.js';
import { createCommandClient } from './command-proto.js';
import { closeGrpc, createGrpcServer, listenGrpc } from './grpc-server.js';

type Running = { kit: CommandKit; server: Server; client: Client };

const grpcAddress = { ...address, postal_code: address.postalCode };

describe('CommandService over gRPC, against PostgreSQL', () => {
  let pg: PgKit;
  const running: Running[] = [];

  async function start(options: KitOptions = {}): Promise<Running> {
    const kit = pg.kit(options);
    const server = createGrpcServer(kit.commands, { clock: testClock, logger: createLogger('grpc-test', 'silent') });
    const port = await listenGrpc(server, '127.0.0.1', 0);
    const started = { kit, server, client: createCommandClient(`127.0.0.1:${port}`) };
    running.push(started);
    return started;
  }

  let client: Client;
  let store: EventStore;
  const call = (method: string, request: object) => callCommand(client, method, request);
  const versionOf = (streamId: string) => store.streamVersion(streamId);
  const shipmentOf = async (orderId: string) => {
    const shipped = (await store.readStream(orderStreamId(orderId))).events.find((e) => e.type === 'OrderShipped');
    const data = shipped?.data as { trackingNumber?: unknown; carrier?: unknown } | undefined;
    return { trackingNumber: data?.trackingNumber, carrier: data?.carrier };
  };

  before(async () => {
    pg = await pgKit();
    ({ client, kit: { store } } = await start());
  });
  after(async () => {
    for (const r of running) {
      r.client.close();
      await closeGrpc(r.server, 1_000);
    }
    await pg.close();
  });

  async function stocked(quantity: number) {
    const productId = uniqueId('sku');
    await call('ReplenishStock', { command_id: uniqueId('cmd'), product_id: productId, quantity });
    return productId;
  }

  async function createdOrder(kit: CommandKit = running[0]!.kit) {
    const input = {
      customerId: 'cust-1',
      currency: 'EUR',
      items: [{ productId: 'sku-mug', quantity: 2, unitPrice: 1250 }],
      shippingAddress: address,
      paymentMethod: { type: 'card', token: 'tok_visa' },
    };
    return (await kit.commands.createOrder(input, contextFor(input))).response.aggregateId;
  }

  describe('inventory', () => {
    it('reserves across two products atomically: one short, nothing reserved; both available, both reserved', async () => {
      const [a, b] = [await stocked(5), await stocked(1)];
      const orderId = uniqueId('order');
      const short = await call('ReserveInventory', {
        command_id: uniqueId('cmd'),
        order_id: orderId,
        lines: [{ product_id: a, quantity: 2 }, { product_id: b, quantity: 3 }],
      });
      assert.deepEqual(short.event_types, ['InventoryReservationFailed']);
      assert.deepEqual(short.streams.map((s) => s.aggregate_id), [b]);
      assert.equal(await versionOf(inventoryStreamId(a)), 1, 'nothing reserved on the product that had stock');

      const other = uniqueId('order');
      const ok = await call('ReserveInventory', {
        command_id: uniqueId('cmd'),
        order_id: other,
        lines: [{ product_id: a, quantity: 2 }, { product_id: b, quantity: 1 }],
      });
      assert.deepEqual(ok.event_types, ['InventoryReserved', 'InventoryReserved']);
      assert.equal(ok.aggregate_id, other);
      assert.deepEqual([await versionOf(inventoryStreamId(a)), await versionOf(inventoryStreamId(b))], [2, 3]);
    });

    it('answers a retry by command_id with the stored response and refuses the id for another request', async () => {
      const a = await stocked(5);
      const request = { command_id: uniqueId('saga'), order_id: uniqueId('order'), lines: [{ product_id: a, quantity: 2 }] };
      const first = await call('ReserveInventory', request);
      const retry = await call('ReserveInventory', request);
      assert.equal(first.replayed, false);
      assert.equal(retry.replayed, true);
      assert.deepEqual({ ...retry, replayed: false }, first);
      assert.equal(await versionOf(inventoryStreamId(a)), 2);
      await assert.rejects(
        call('ReserveInventory', { ...request, lines: [{ product_id: a, quantity: 3 }] }),
        grpcError(status.INVALID_ARGUMENT, 'IDEMPOTENCY_KEY_REUSED'),
      );
    });

    it('never oversells: 12 orders racing for 5 of each of two products', async () => {
      const [a, b] = [await stocked(5), await stocked(5)];
      const lines = [{ product_id: a, quantity: 1 }, { product_id: b, quantity: 1 }];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, () => call('ReserveInventory', { command_id: uniqueId('cmd'), order_id: uniqueId('order'), lines })),
      );
      const answers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.event_types] : []));
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(grpcError(status.ABORTED, 'CONCURRENCY_CONFLICT')(o.reason));
      const reserved = answers.filter((types) => types.join() === 'InventoryReserved,InventoryReserved').length;
      assert.ok(answers.every((types) => types.every((t) => t === 'InventoryReserved') || types.every((t) => t === 'InventoryReservationFailed')));
      // an order refused after its retries reserved nothing; the others take the stock
      if (answers.length === outcomes.length) assert.equal(reserved, 5);
      for (const productId of [a, b]) {
        const { events } = await store.readStream(inventoryStreamId(productId));
        assert.equal(events.filter((e) => e.type === 'InventoryReserved').length, reserved);
        assert.equal((events.at(-1)?.data as { availableQuantity: number }).availableQuantity, 5 - reserved, 'no unit reserved twice');
      }
    });

    it('releases every product an order reserved', async () => {
      const [a, b] = [await stocked(5), await stocked(5)];
      const orderId = uniqueId('order');
      const lines = [{ product_id: a, quantity: 1 }, { product_id: b, quantity: 2 }];
      await call('ReserveInventory', { command_id: uniqueId('cmd'), order_id: orderId, lines });
      const released = await call('ReleaseInventory', { command_id: uniqueId('cmd'), order_id: orderId, product_ids: [a, b], reason: 'declined' });
      assert.deepEqual(released.event_types, ['InventoryReleased', 'InventoryReleased']);
    });

    it('refuses a product that was never stocked as NOT_FOUND', async () => {
      const request = { command_id: uniqueId('cmd'), order_id: uniqueId('order'), lines: [{ product_id: uniqueId('ghost'), quantity: 1 }] };
      await assert.rejects(call('ReserveInventory', request), grpcError(status.NOT_FOUND, 'INVENTORY_NOT_FOUND'));
    });
  });

  describe('payments', () => {
    const authorize = (token: string, over: object = {}) =>
      call('AuthorizePayment', {
        command_id: uniqueId('cmd'),
        order_id: uniqueId('order'),
        amount: 2500,
        currency: 'EUR',
        payment_method: { type: 'card', token },
        ...over,
      });

    it('records a decline of tok_declined as an OK response', async () => {
      const declined = await authorize('tok_declined');
      assert.deepEqual(declined.event_types, ['PaymentDeclined']);
      assert.equal(declined.version, 1);
    });

    it('authorizes, captures and refunds; voids another', async () => {
      const paymentId = (await authorize('tok_visa')).aggregate_id;
      const captured = await call('CapturePayment', { command_id: uniqueId('cmd'), payment_id: paymentId });
      assert.deepEqual(captured.event_types, ['PaymentCaptured']);
      const refunded = await call('RefundPayment', { command_id: uniqueId('cmd'), payment_id: paymentId, amount: 1000 });
      assert.deepEqual(refunded.event_types, ['PaymentRefunded']);
      assert.equal(refunded.version, 3);
      const other = (await authorize('tok_visa')).aggregate_id;
      const voided = await call('VoidPayment', { command_id: uniqueId('cmd'), payment_id: other, reason: 'order cancelled' });
      assert.deepEqual(voided.event_types, ['PaymentVoided']);
    });

    it('fails a gateway timeout with DEADLINE_EXCEEDED and records nothing', async () => {
      const slow = await start({ settings: { gatewayTimeoutMs: 50 } });
      const paymentId = uniqueId('pay');
      const request = {
        command_id: uniqueId('cmd'),
        order_id: uniqueId('order'),
        payment_id: paymentId,
        amount: 100,
        currency: 'EUR',
        payment_method: { type: 'card', token: 'tok_timeout' },
      };
      await assert.rejects(callCommand(slow.client, 'AuthorizePayment', request), grpcError(status.DEADLINE_EXCEEDED, 'GATEWAY_TIMEOUT'));
      assert.equal(await versionOf(paymentStreamId(paymentId)), 0);
    });

    it('refuses a missing payment method as INVALID_ARGUMENT', async () => {
      await assert.rejects(
        call('AuthorizePayment', { command_id: uniqueId('cmd'), order_id: 'o', amount: 100, currency: 'EUR' }),
        grpcError(status.INVALID_ARGUMENT, 'PAYMENT_INVALID_METHOD'),
      );
    });
  });

  describe('shipments', () => {
    it('records a rejection for the unshippable country XX as an OK response', async () => {
      const rejected = await call('CreateShipment', {
        command_id: uniqueId('cmd'),
        order_id: uniqueId('order'),
        shipping_address: { ...grpcAddress, country: 'XX' },
      });
      assert.deepEqual(rejected.event_types, ['ShipmentRejected']);
    });

    it('creates a shipment under an id derived from the command id, then cancels it', async () => {
      const request = { command_id: uniqueId('saga'), order_id: uniqueId('order'), shipping_address: grpcAddress };
      const created = await call('CreateShipment', request);
      assert.deepEqual(created.event_types, ['ShipmentCreated']);
      assert.equal((await call('CreateShipment', request)).aggregate_id, created.aggregate_id);
      const cancelled = await call('CancelShipment', { command_id: uniqueId('cmd'), shipment_id: created.aggregate_id });
      assert.deepEqual(cancelled.event_types, ['ShipmentCancelled']);
    });
  });

  describe('orders', () => {
    it('confirms, ships and records payment; cancelling a shipped order is FAILED_PRECONDITION', async () => {
      const orderId = await createdOrder();
      const confirmed = await call('ConfirmOrder', { command_id: uniqueId('cmd'), order_id: orderId, payment_id: 'pay-1', shipment_id: 'shp-1' });
      assert.deepEqual([confirmed.event_types, confirmed.version], [['OrderConfirmed'], 2]);
      const shipped = await call('ShipOrder', { command_id: uniqueId('cmd'), order_id: orderId, tracking_number: 'TRK-1', carrier: 'ups' });
      assert.deepEqual(shipped.event_types, ['OrderShipped']);
      assert.deepEqual(await shipmentOf(orderId), { trackingNumber: 'TRK-1', carrier: 'ups' });
      const paid = await call('RecordPayment', { command_id: uniqueId('cmd'), order_id: orderId, amount: 2500, currency: 'EUR' });
      assert.deepEqual(paid.event_types, ['PaymentProcessed']);
      await assert.rejects(
        call('CancelOrder', { command_id: uniqueId('cmd'), order_id: orderId, reason: 'too late' }),
        grpcError(status.FAILED_PRECONDITION, 'ORDER_ALREADY_SHIPPED'),
      );
    });

    it('records no carrier when the field is empty', async () => {
      const orderId = await createdOrder();
      await call('ConfirmOrder', { command_id: uniqueId('cmd'), order_id: orderId });
      await call('ShipOrder', { command_id: uniqueId('cmd'), order_id: orderId, tracking_number: 'TRK-2', carrier: '' });
      assert.deepEqual(await shipmentOf(orderId), { trackingNumber: 'TRK-2', carrier: null });
    });

    it('confirms the order as planned, and refuses a changed one as FAILED_PRECONDITION', async () => {
      const planned = orderPlanDigest({ currency: 'EUR', totalAmount: 2500, lines: [{ productId: 'sku-mug', quantity: 2 }] });
      const unchanged = await createdOrder();
      const confirmed = await call('ConfirmOrder', { command_id: uniqueId('cmd'), order_id: unchanged, expected_plan_digest: planned });
      assert.deepEqual(confirmed.event_types, ['OrderConfirmed']);

      const changed = await createdOrder();
      await running[0]!.kit.commands.addOrderItem(
        { orderId: changed, productId: 'sku-pot', quantity: 1, unitPrice: 900 },
        contextFor({ added: changed }),
      );
      await assert.rejects(
        call('ConfirmOrder', { command_id: uniqueId('cmd'), order_id: changed, expected_plan_digest: planned }),
        grpcError(status.FAILED_PRECONDITION, 'ORDER_CHANGED'),
      );
    });

    it('maps an unknown order to NOT_FOUND', async () => {
      await assert.rejects(call('ConfirmOrder', { command_id: uniqueId('cmd'), order_id: uniqueId('nope') }), grpcError(status.NOT_FOUND, 'ORDER_NOT_FOUND'));
    });

    it('maps a version conflict it may not retry to ABORTED', async () => {
      const noRetries = await start({ settings: { maxRetries: 0 } });
      const orderId = await createdOrder(noRetries.kit);
      // another writer appends to the stream between the command's read and its append
      const racing = racingStore(noRetries.kit.store, orderStreamId(orderId), () =>
        noRetries.kit.commands.cancelOrder({ orderId, reason: 'raced' }, contextFor({ orderId, n: 'race' })),
      );
      const raced = await start({ settings: { maxRetries: 0 }, store: racing });
      await assert.rejects(
        callCommand(raced.client, 'ConfirmOrder', { command_id: uniqueId('cmd'), order_id: orderId }),
        grpcError(status.ABORTED, 'CONCURRENCY_CONFLICT'),
      );
      assert.equal(await versionOf(orderStreamId(orderId)), 2, 'only the racing cancellation was recorded');
    });

    it('rejects a command_id that is not a printable token', async () => {
      await assert.rejects(call('ConfirmOrder', { command_id: 'has space', order_id: 'x' }), grpcError(status.INVALID_ARGUMENT, 'INVALID_REQUEST_ID'));
    });
  });
});

/** The real store, with one real competing write slipped in before the first append to `streamId`. */
function racingStore(store: EventStore, streamId: string, race: () => Promise<unknown>): EventStore {
  let raced = false;
  return {
    ...store,
    async appendToStream(id, events, options) {
      if (id === streamId && !raced) {
        raced = true;
        await race();
      }
      return store.appendToStream(id, events, options);
    },
  };
}
