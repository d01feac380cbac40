import { assertNever, orderPlanDigest } from '@orderflow/contracts';
import type { SagaCommand } from './order-saga.commands.js';
import type { ActiveOrderSaga, CompensationStep, ForwardStep, SagaStep } from './order-saga.types.js';

/**
 * `<sagaId>:<step>`, plus a suffix naming what is undone again for late results. Never an
 * attempt number: every resend of a step is the same command to the command service.
 */
export const commandIdOf = (sagaId: string, step: SagaStep, suffix?: string): string =>
  suffix ? `${sagaId}:${step}:${suffix}` : `${sagaId}:${step}`;

export const nextForwardStep: Readonly<Record<ForwardStep, ForwardStep | null>> = {
  reserve_inventory: 'authorize_payment',
  authorize_payment: 'create_shipment',
  create_shipment: 'confirm_order',
  confirm_order: null,
};

/**
 * Compensations run newest first, one at a time. Confirming the order has no undo of its
 * own: cancelling the order, which always comes last, covers it.
 */
const undoOrder: readonly (readonly [ForwardStep, CompensationStep])[] = [
  ['create_shipment', 'cancel_shipment'],
  ['authorize_payment', 'void_payment'],
  ['reserve_inventory', 'release_inventory'],
];

export const compensationOf = (step: ForwardStep): CompensationStep | null =>
  undoOrder.find(([forward]) => forward === step)?.[1] ?? null;

export function nextCompensation(saga: ActiveOrderSaga): CompensationStep | null {
  for (const [forward, compensation] of undoOrder) {
    if (saga.toUndo.includes(forward) && !saga.compensated.includes(compensation)) return compensation;
  }
  if (!saga.orderCancelled && !saga.compensated.includes('cancel_order')) return 'cancel_order';
  return null;
}

export function forwardCommand(saga: ActiveOrderSaga, step: ForwardStep): SagaCommand {
  const ids = { commandId: commandIdOf(saga.sagaId, step), correlationId: saga.correlationId };
  const { orderId, paymentId, shipmentId, order } = saga;
  switch (step) {
    case 'reserve_inventory':
      return { type: 'ReserveInventory', ...ids, data: { orderId, lines: order.lines } };
    case 'authorize_payment':
      return {
        type: 'AuthorizePayment',
        ...ids,
        data: { paymentId, orderId, amount: order.totalAmount, currency: order.currency, paymentMethod: order.paymentMethod },
      };
    case 'create_shipment':
      return { type: 'CreateShipment', ...ids, data: { shipmentId, orderId, shippingAddress: order.shippingAddress } };
    case 'confirm_order':
      // an item added or removed since the order was created was neither reserved nor paid for
      return { type: 'ConfirmOrder', ...ids, data: { orderId, paymentId, shipmentId, expectedPlanDigest: orderPlanDigest(order) } };
    default:
      return assertNever(step, 'forward step');
  }
}

/** `late` undoes a result that landed after its compensation ran: a new command id, and only that product. */
export type LateUndo = Readonly<{ suffix: string; productId?: string }>;

export function compensationCommand(saga: ActiveOrderSaga, step: CompensationStep, late?: LateUndo): SagaCommand {
  const ids = { commandId: commandIdOf(saga.sagaId, step, late?.suffix), correlationId: saga.correlationId };
  const reason = compensationReason(saga);
  switch (step) {
    case 'cancel_shipment':
      return { type: 'CancelShipment', ...ids, data: { shipmentId: saga.shipmentId, reason } };
    case 'void_payment':
      return { type: 'VoidPayment', ...ids, data: { paymentId: saga.paymentId, reason } };
    case 'release_inventory':
      return {
        type: 'ReleaseInventory',
        ...ids,
        data: { orderId: saga.orderId, productIds: late?.productId ? [late.productId] : saga.order.lines.map((l) => l.productId), reason },
      };
    case 'cancel_order':
      return { type: 'CancelOrder', ...ids, data: { orderId: saga.orderId, reason } };
    default:
      return assertNever(step, 'compensation step');
  }
}

/** The reason every compensation and the cancelled order carry, e.g. `authorize_payment failed: card_declined`. */
export const compensationReason = (saga: ActiveOrderSaga): string =>
  saga.failure ? `${saga.failure.step} failed: ${saga.failure.code}` : 'order saga compensated';
