import assert from 'node:assert/strict';
import type { OrderCreatedData } from '@orderflow/contracts';
import { commandsOf, type OrderSagaDecider } from '../order-saga/order-saga.decide.js';
import type { SagaCommand, SagaCommandType } from '../order-saga/order-saga.commands.js';
import { isActiveSaga, type ActiveOrderSaga, type OrderSagaState, type SagaEvent, type SagaInput, type SagaStatus } from '../order-saga/order-saga.types.js';

/**
 * given(inputs).when(input).then(...) for the saga decider. Every given input goes through
 * decide and evolve, exactly as the orchestrator would feed it, so a history the decider
 * itself could never have produced cannot be set up by a test.
 */
export type Outcome = Readonly<{ events: readonly SagaEvent[]; commands: readonly SagaCommand[]; state: ActiveOrderSaga }>;

type Expected = Readonly<{ sends: readonly SagaCommandType[]; status: SagaStatus }>;

export function sagaSpec(decider: OrderSagaDecider) {
  const apply = (state: OrderSagaState, input: SagaInput) => decider.decide(input, state).reduce(decider.evolve, state);
  return {
    given: (...history: readonly SagaInput[]) => ({
      when(input: SagaInput) {
        const before = history.reduce(apply, decider.initialState());
        const events = decider.decide(input, before);
        const state = events.reduce(decider.evolve, before);
        assert.ok(isActiveSaga(state), 'the saga should exist after this input');
        const outcome: Outcome = { events, commands: commandsOf(events), state };
        const check = (expected: Expected) => {
          assert.deepEqual(
            outcome.commands.map((c) => c.type),
            expected.sends,
          );
          assert.equal(state.status, expected.status);
        };
        return {
          outcome,
          /** The command types sent and the status reached. */
          then(expected: Expected): void {
            check(expected);
          },
          /** As `then`, handing back the outcome for closer checks. */
          expect(expected: Expected): Outcome {
            check(expected);
            return outcome;
          },
          thenNothing(): void {
            assert.deepEqual(events, []);
          },
        };
      },
    }),
  };
}

export const T0 = new Date('2025-03-01T10:00:00.000Z');
let tick = 0;
/** A clock that moves one second per input, so timestamps in the history differ. */
export const now = () => new Date(T0.getTime() + ++tick * 1000);

export const ids = { sagaId: 'saga-1', paymentId: 'pay-1', shipmentId: 'shp-1', correlationId: 'corr-1' } as const;
export const orderId = 'order-1';

export const orderCreated = (over: Partial<OrderCreatedData> = {}): SagaInput => ({
  type: 'OrderCreated',
  data: {
    orderId,
    customerId: 'cust-1',
    occurredAt: T0.toISOString(),
    currency: 'EUR',
    items: [
      { productId: 'SKU-A', quantity: 2, unitPrice: 1000 },
      { productId: 'SKU-B', quantity: 1, unitPrice: 500 },
    ],
    totalAmount: 2500,
    shippingAddress: { line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    paymentMethod: { type: 'card', token: 'tok_visa' },
    ...over,
  },
  metadata: { now: now(), ...ids },
});

const occurredAt = T0.toISOString();
const meta = () => ({ now: now() });
const address = { line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' };

export const inventoryReserved = (productId: string, forOrder = orderId): SagaInput => ({
  type: 'InventoryReserved',
  data: { productId, availableQuantity: 10, occurredAt, orderId: forOrder, quantity: 1 },
  metadata: meta(),
});
export const reservationFailed = (productId: string): SagaInput => ({
  type: 'InventoryReservationFailed',
  data: { productId, availableQuantity: 0, occurredAt, orderId, requestedQuantity: 2, reason: 'INSUFFICIENT_STOCK' },
  metadata: meta(),
});
const paymentFacts = (paymentId: string) => ({ paymentId, orderId, amount: 2500, currency: 'EUR', occurredAt, methodType: 'card' });
export const paymentAuthorized = (paymentId: string = ids.paymentId): SagaInput => ({
  type: 'PaymentAuthorized',
  data: { ...paymentFacts(paymentId), authorizationCode: 'A1', gatewayReference: `auth_${paymentId}` },
  metadata: meta(),
});
export const paymentDeclined = (paymentId: string = ids.paymentId): SagaInput => ({
  type: 'PaymentDeclined',
  data: { ...paymentFacts(paymentId), declineCode: 'card_declined', reason: 'declined by issuer' },
  metadata: meta(),
});
export const shipmentCreated = (shipmentId: string = ids.shipmentId): SagaInput => ({
  type: 'ShipmentCreated',
  data: { shipmentId, orderId, occurredAt, carrier: 'sim', trackingNumber: 'TRK-1', labelUrl: null, shippingAddress: address },
  metadata: meta(),
});
export const shipmentRejected = (shipmentId: string = ids.shipmentId): SagaInput => ({
  type: 'ShipmentRejected',
  data: { shipmentId, orderId, occurredAt, code: 'ADDRESS_UNSERVICEABLE', reason: 'the carrier does not serve XX' },
  metadata: meta(),
});
export const orderConfirmed = (): SagaInput => ({
  type: 'OrderConfirmed',
  data: { orderId, customerId: 'cust-1', occurredAt, totalAmount: 2500, currency: 'EUR', paymentId: ids.paymentId, shipmentId: ids.shipmentId },
  metadata: meta(),
});
export const orderCancelled = (): SagaInput => ({
  type: 'OrderCancelled',
  data: { orderId, customerId: 'cust-1', occurredAt, reason: 'customer changed their mind', previousStatus: 'pending' },
  metadata: meta(),
});
export const paymentVoided = (): SagaInput => ({
  type: 'PaymentVoided',
  data: { paymentId: ids.paymentId, orderId, amount: 2500, currency: 'EUR', occurredAt, reason: null, voidReference: 'v1' },
  metadata: meta(),
});
export const deadlineReached = (step: string): SagaInput => ({ type: 'DeadlineReached', data: { step }, metadata: meta() });
export const commandIdFor = (step: string) => `${ids.sagaId}:${step}`;
export const succeeded = (step: string): SagaInput => ({ type: 'CommandSucceeded', data: { commandId: commandIdFor(step) }, metadata: meta() });
export const failed = (
  step: string,
  over: Partial<{ code: string; kind: string | null; message: string; transient: boolean }> = {},
): SagaInput => ({
  type: 'CommandFailed',
  data: { commandId: commandIdFor(step), code: 'GATEWAY_UNAVAILABLE', kind: 'unavailable', message: 'gateway down', transient: true, ...over },
  metadata: meta(),
});
