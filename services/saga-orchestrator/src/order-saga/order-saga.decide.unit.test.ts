import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderPlanDigest } from '@orderflow/contracts';
import {
  commandIdFor,
  deadlineReached,
  failed,
  ids,
  inventoryReserved,
  orderCancelled,
  orderConfirmed,
  orderCreated,
  orderId,
  paymentAuthorized,
  paymentDeclined,
  paymentVoided,
  reservationFailed,
  sagaSpec,
  shipmentCreated,
  shipmentRejected,
  succeeded,
} from '../testing/saga-spec.js';
import { createOrderSaga } from './order-saga.decide.js';

const STEP_TIMEOUT_MS = 30_000;
const spec = sagaSpec(createOrderSaga({ stepTimeoutMs: STEP_TIMEOUT_MS }));

const created = orderCreated();
const reserving = [created];
const authorizing = [created, inventoryReserved('SKU-A'), inventoryReserved('SKU-B')];
const shipping = [...authorizing, paymentAuthorized()];
const confirming = [...shipping, shipmentCreated()];

describe('order saga', () => {
  describe('given no saga', () => {
    it('starts on OrderCreated by reserving every line of the order', () => {
      const input = orderCreated({
        items: [
          { productId: 'SKU-A', quantity: 2, unitPrice: 1000 },
          { productId: 'SKU-A', quantity: 1, unitPrice: 1000 },
          { productId: 'SKU-B', quantity: 1, unitPrice: 500 },
        ],
      });
      const { commands, state } = spec.given().when(input).expect({ sends: ['ReserveInventory'], status: 'RUNNING' });
      assert.deepEqual(commands[0], {
        type: 'ReserveInventory',
        commandId: `${ids.sagaId}:reserve_inventory`,
        correlationId: ids.correlationId,
        data: { orderId, lines: [{ productId: 'SKU-A', quantity: 3 }, { productId: 'SKU-B', quantity: 1 }] },
      });
      assert.equal(state.step, 'reserve_inventory');
      assert.deepEqual(state.deadline, {
        step: 'reserve_inventory',
        at: new Date(input.metadata.now.getTime() + STEP_TIMEOUT_MS).toISOString(),
      });
    });

    it('ignores results for an order it never started', () => {
      const saga = createOrderSaga({ stepTimeoutMs: 1 });
      assert.deepEqual(saga.decide(paymentAuthorized(), saga.initialState()), []);
      assert.deepEqual(saga.decide(deadlineReached('reserve_inventory'), saga.initialState()), []);
    });
  });

  describe('given a saga reserving inventory', () => {
    const given = spec.given(...reserving);
    it('starts no second saga on a redelivered OrderCreated', () => given.when(orderCreated()).thenNothing());
    it('waits for the other lines after the first reservation', () => {
      const { state } = given.when(inventoryReserved('SKU-A')).expect({ sends: [], status: 'RUNNING' });
      assert.deepEqual(state.reserved, ['SKU-A']);
    });
    it('ignores a reservation of a product the order does not hold', () => given.when(inventoryReserved('SKU-Z')).thenNothing());
    it('ignores a reservation for another order', () => given.when(inventoryReserved('SKU-A', 'order-2')).thenNothing());
    it('ignores a payment result before it asked for one', () => given.when(paymentAuthorized()).thenNothing());
    it('cancels the order, releasing nothing, when stock is short', () => {
      const { commands, state } = given.when(reservationFailed('SKU-B')).expect({ sends: ['CancelOrder'], status: 'COMPENSATING' });
      assert.deepEqual(commands[0]?.data, { orderId, reason: 'reserve_inventory failed: INSUFFICIENT_STOCK' });
      assert.equal(commands[0]?.commandId, `${ids.sagaId}:cancel_order`);
      assert.equal(state.failure?.code, 'INSUFFICIENT_STOCK');
      assert.equal(state.deadline, null);
    });
    it('releases what the command may have reserved when its deadline passes', () => {
      const { commands } = given.when(deadlineReached('reserve_inventory')).expect({ sends: ['ReleaseInventory'], status: 'COMPENSATING' });
      assert.deepEqual(commands[0]?.data, { orderId, productIds: ['SKU-A', 'SKU-B'], reason: 'reserve_inventory failed: STEP_TIMED_OUT' });
    });
    it('ignores a deadline of a step it is not at', () => given.when(deadlineReached('authorize_payment')).thenNothing());
    it('cancels the order when the command is refused outright', () =>
      given
        .when(failed('reserve_inventory', { code: 'INVENTORY_NOT_FOUND', kind: 'not_found', transient: false }))
        .then({ sends: ['CancelOrder'], status: 'COMPENSATING' }));
    it('releases inventory when the retry budget ran out (outcome unknown)', () =>
      given.when(failed('reserve_inventory')).then({ sends: ['ReleaseInventory'], status: 'COMPENSATING' }));
    it('ignores the failure of a command it no longer waits for', () => given.when(failed('authorize_payment')).thenNothing());
    it('undoes the reservation but never cancels an order its customer cancelled', () => {
      const { state } = given.when(orderCancelled()).expect({ sends: ['ReleaseInventory'], status: 'COMPENSATING' });
      assert.equal(state.orderCancelled, true);
      spec.given(...reserving, orderCancelled()).when(succeeded('release_inventory')).then({ sends: [], status: 'COMPENSATED' });
    });
  });

  describe('given a partial reservation', () => {
    it('releases it when the rest fails', () =>
      spec
        .given(...reserving, inventoryReserved('SKU-A'))
        .when(reservationFailed('SKU-B'))
        .then({ sends: ['ReleaseInventory'], status: 'COMPENSATING' }));
  });

  describe('given a saga authorizing payment', () => {
    const given = spec.given(...authorizing);
    it('asks for the authorization once every line is reserved', () => {
      const { commands, state } = spec.given(...reserving, inventoryReserved('SKU-A')).when(inventoryReserved('SKU-B')).expect({
        sends: ['AuthorizePayment'],
        status: 'RUNNING',
      });
      assert.deepEqual(commands[0], {
        type: 'AuthorizePayment',
        commandId: `${ids.sagaId}:authorize_payment`,
        correlationId: ids.correlationId,
        data: { paymentId: ids.paymentId, orderId, amount: 2500, currency: 'EUR', paymentMethod: { type: 'card', token: 'tok_visa' } },
      });
      assert.deepEqual(state.completed, ['reserve_inventory']);
    });
    it('ignores a repeated reservation', () => given.when(inventoryReserved('SKU-A')).thenNothing());
    it('creates the shipment once authorized', () => {
      const { commands } = given.when(paymentAuthorized()).expect({ sends: ['CreateShipment'], status: 'RUNNING' });
      assert.deepEqual(commands[0]?.data, {
        shipmentId: ids.shipmentId,
        orderId,
        shippingAddress: { line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
      });
    });
    it('ignores an authorization of another payment', () => given.when(paymentAuthorized('pay-other')).thenNothing());
    it('releases inventory and then cancels the order when declined', () => {
      given.when(paymentDeclined()).then({ sends: ['ReleaseInventory'], status: 'COMPENSATING' });
      const { commands } = spec
        .given(...authorizing, paymentDeclined())
        .when(succeeded('release_inventory'))
        .expect({ sends: ['CancelOrder'], status: 'COMPENSATING' });
      assert.deepEqual(commands[0]?.data, { orderId, reason: 'authorize_payment failed: card_declined' });
      spec
        .given(...authorizing, paymentDeclined(), succeeded('release_inventory'))
        .when(succeeded('cancel_order'))
        .then({ sends: [], status: 'COMPENSATED' });
    });
    it('voids a possible authorization first when its deadline passes', () =>
      given.when(deadlineReached('authorize_payment')).then({ sends: ['VoidPayment'], status: 'COMPENSATING' }));
  });

  describe('given a saga creating the shipment', () => {
    const given = spec.given(...shipping);
    it('confirms the order with its payment and shipment once created', () => {
      const { commands } = given.when(shipmentCreated()).expect({ sends: ['ConfirmOrder'], status: 'RUNNING' });
      // the order as the saga reserved and charged for it, computed independently here
      const planned = orderPlanDigest({ currency: 'EUR', totalAmount: 2500, lines: [{ productId: 'SKU-B', quantity: 1 }, { productId: 'SKU-A', quantity: 2 }] });
      assert.deepEqual(commands[0]?.data, { orderId, paymentId: ids.paymentId, shipmentId: ids.shipmentId, expectedPlanDigest: planned });
      assert.equal(commands[0]?.commandId, commandIdFor('confirm_order'));
    });
    it('compensates newest first when the carrier refuses', () => {
      given.when(shipmentRejected()).then({ sends: ['VoidPayment'], status: 'COMPENSATING' });
      const voided = [...shipping, shipmentRejected(), succeeded('void_payment')];
      spec.given(...shipping, shipmentRejected()).when(succeeded('void_payment')).then({ sends: ['ReleaseInventory'], status: 'COMPENSATING' });
      spec.given(...voided).when(succeeded('release_inventory')).then({ sends: ['CancelOrder'], status: 'COMPENSATING' });
      const { state } = spec
        .given(...voided, succeeded('release_inventory'))
        .when(succeeded('cancel_order'))
        .expect({ sends: [], status: 'COMPENSATED' });
      assert.deepEqual(
        state.compensationLog.map((e) => `${e.step}:${e.status}`),
        ['void_payment:started', 'void_payment:succeeded', 'release_inventory:started', 'release_inventory:succeeded', 'cancel_order:started', 'cancel_order:succeeded'],
      );
    });
    it('cancels a possible shipment first when its deadline passes', () =>
      given.when(deadlineReached('create_shipment')).then({ sends: ['CancelShipment'], status: 'COMPENSATING' }));
  });

  describe('given a saga confirming the order', () => {
    const given = spec.given(...confirming);
    it('completes on OrderConfirmed', () => {
      const { state } = given.when(orderConfirmed()).expect({ sends: [], status: 'COMPLETED' });
      assert.deepEqual(state.completed, ['reserve_inventory', 'authorize_payment', 'create_shipment', 'confirm_order']);
      assert.equal(state.deadline, null);
    });
    it('completes when the command service accepts the confirmation', () =>
      given.when(succeeded('confirm_order')).then({ sends: [], status: 'COMPLETED' }));
    it('completes when the order turns out confirmed already', () =>
      given.when(failed('confirm_order', { code: 'ORDER_ALREADY_CONFIRMED', kind: 'precondition', transient: false })).then({
        sends: [],
        status: 'COMPLETED',
      }));
    it('undoes everything but the cancellation when the order was cancelled meanwhile', () => {
      const refused = failed('confirm_order', { code: 'ORDER_CANCELLED', kind: 'precondition', transient: false });
      given.when(refused).then({ sends: ['CancelShipment'], status: 'COMPENSATING' });
      spec
        .given(...confirming, refused, succeeded('cancel_shipment'), succeeded('void_payment'))
        .when(succeeded('release_inventory'))
        .then({ sends: [], status: 'COMPENSATED' });
    });
    it('undoes every step, then cancels the order, when the order changed since it was planned', () => {
      const refused = failed('confirm_order', { code: 'ORDER_CHANGED', kind: 'precondition', transient: false });
      given.when(refused).then({ sends: ['CancelShipment'], status: 'COMPENSATING' });
      spec
        .given(...confirming, refused, succeeded('cancel_shipment'), succeeded('void_payment'))
        .when(succeeded('release_inventory'))
        .then({ sends: ['CancelOrder'], status: 'COMPENSATING' });
    });
    it('undoes every step, then cancels the order, when its deadline passes', () => {
      given.when(deadlineReached('confirm_order')).then({ sends: ['CancelShipment'], status: 'COMPENSATING' });
      spec
        .given(...confirming, deadlineReached('confirm_order'), succeeded('cancel_shipment'), succeeded('void_payment'))
        .when(succeeded('release_inventory'))
        .then({ sends: ['CancelOrder'], status: 'COMPENSATING' });
    });
  });

  describe('given a completed saga', () => {
    const given = spec.given(...confirming, orderConfirmed());
    it('ignores a repeated confirmation', () => given.when(succeeded('confirm_order')).thenNothing());
    it('leaves a later cancellation to others', () => given.when(orderCancelled()).thenNothing());
    it('ignores deadlines', () => given.when(deadlineReached('confirm_order')).thenNothing());
  });

  describe('given a saga compensating', () => {
    const declinedHistory = [...authorizing, paymentDeclined()];
    const given = spec.given(...declinedHistory);
    it('ignores the answer to another command', () => given.when(succeeded('cancel_order')).thenNothing());
    it('keeps waiting on a transient failure: the dispatcher retries it', () => given.when(failed('release_inventory')).thenNothing());
    it('ignores deadlines', () => given.when(deadlineReached('authorize_payment')).thenNothing());
    it('ignores the events of its own compensations', () => given.when(paymentVoided()).thenNothing());
    it('counts "nothing to undo" as undone', () => {
      const { state } = given
        .when(failed('release_inventory', { code: 'INVENTORY_NOT_FOUND', kind: 'not_found', transient: false }))
        .expect({ sends: ['CancelOrder'], status: 'COMPENSATING' });
      assert.equal(state.compensationLog.at(-2)?.note, 'INVENTORY_NOT_FOUND');
    });
    it('counts an order cancelled already as cancelled', () =>
      spec
        .given(...declinedHistory, succeeded('release_inventory'))
        .when(failed('cancel_order', { code: 'ORDER_ALREADY_CANCELLED', kind: 'precondition', transient: false }))
        .then({ sends: [], status: 'COMPENSATED' }));
    it('fails, for an operator, when a compensation is refused for good', () => {
      const { state } = spec
        .given(...declinedHistory, succeeded('release_inventory'))
        .when(failed('cancel_order', { code: 'ORDER_ALREADY_SHIPPED', kind: 'precondition', message: 'shipped', transient: false }))
        .expect({ sends: [], status: 'FAILED' });
      assert.deepEqual(state.compensationLog.at(-1), {
        step: 'cancel_order',
        status: 'failed',
        commandId: commandIdFor('cancel_order'),
        at: state.compensationLog.at(-1)?.at,
        note: 'ORDER_ALREADY_SHIPPED: shipped',
      });
    });
    it('skips cancelling an order its customer cancelled meanwhile', () => {
      given.when(orderCancelled()).then({ sends: [], status: 'COMPENSATING' });
      spec.given(...declinedHistory, orderCancelled()).when(succeeded('release_inventory')).then({ sends: [], status: 'COMPENSATED' });
    });
    it('takes OrderCancelled as the answer to its own cancellation', () =>
      spec.given(...declinedHistory, succeeded('release_inventory')).when(orderCancelled()).then({ sends: [], status: 'COMPENSATED' }));
  });

  describe('given a saga compensated after a deadline', () => {
    const timedOut = [...authorizing, deadlineReached('authorize_payment'), succeeded('void_payment'), succeeded('release_inventory')];
    const given = spec.given(...timedOut, succeeded('cancel_order'));
    it('voids a late authorization again under its own command id', () => {
      const { commands, state } = given.when(paymentAuthorized()).expect({ sends: ['VoidPayment'], status: 'COMPENSATED' });
      assert.equal(commands[0]?.commandId, `${ids.sagaId}:void_payment:late`);
      assert.equal(state.compensationLog.at(-1)?.note, 'late result');
    });
    it('releases a late reservation under a command id naming the product', () => {
      const { commands } = given.when(inventoryReserved('SKU-B')).expect({ sends: ['ReleaseInventory'], status: 'COMPENSATED' });
      assert.equal(commands[0]?.commandId, `${ids.sagaId}:release_inventory:late-SKU-B`);
      assert.deepEqual(commands[0]?.data, { orderId, productIds: ['SKU-B'], reason: 'authorize_payment failed: STEP_TIMED_OUT' });
    });
    it('ignores a shipment it never asked for', () => given.when(shipmentCreated()).thenNothing());
    it('voids a late authorization while still compensating too', () =>
      spec.given(...timedOut).when(paymentAuthorized()).then({ sends: ['VoidPayment'], status: 'COMPENSATING' }));
    it('leaves a late authorization to the void still to come', () =>
      spec
        .given(...authorizing, deadlineReached('authorize_payment'))
        .when(paymentAuthorized())
        .thenNothing());
  });
});
