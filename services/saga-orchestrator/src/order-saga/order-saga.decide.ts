import { assertNever, type Decider, type OrderCreatedData } from '@orderflow/contracts';
import type { ReservationLine } from './order-saga.commands.js';
import { evolve, initialState } from './order-saga.evolve.js';
import {
  compensationCommand,
  compensationOf,
  forwardCommand,
  nextCompensation,
  nextForwardStep,
  type LateUndo,
} from './order-saga.steps.js';
import type {
  ActiveOrderSaga,
  CommandFailure,
  CompensationStep,
  ForwardStep,
  OrderSagaState,
  SagaEvent,
  SagaInput,
} from './order-saga.types.js';

export type OrderSagaPolicy = Readonly<{ stepTimeoutMs: number }>;
export type OrderSagaDecider = Decider<OrderSagaState, SagaInput, SagaEvent>;

/**
 * The order saga: events, deadlines and command results in, its own events out. Commands
 * to send ride on StepStarted, CompensationStarted and LateResultCompensated. Business
 * failures are final for their step; a step whose outcome is unknown (deadline, retry
 * budget spent) is compensated as if it had succeeded, since every compensation is a
 * no-op on something that never happened.
 */
export function createOrderSaga(policy: OrderSagaPolicy): OrderSagaDecider {
  const decide = (input: SagaInput, state: OrderSagaState): readonly SagaEvent[] => {
    if (input.type === 'OrderCreated') return state.status === 'NONE' ? start(input, policy) : [];
    if (state.status === 'NONE' || !concerns(input, state)) return [];
    if (state.status === 'RUNNING') return whileRunning(input, state, policy);
    if (state.status === 'COMPENSATING') return whileCompensating(input, state);
    return lateResult(input, state);
  };
  return { initialState, evolve, decide };
}

/** Results name their order; one for another order is not this saga's, whatever routed it here. */
const concerns = (input: SagaInput, saga: ActiveOrderSaga): boolean =>
  !('orderId' in input.data) || input.data.orderId === saga.orderId;

type Context = Readonly<{ at: string; now: Date }>;
const contextOf = (input: SagaInput): Context => ({ at: input.metadata.now.toISOString(), now: input.metadata.now });

/** Events of `first`, then those `next` derives from the state they lead to. */
function andThen(saga: OrderSagaState, first: readonly SagaEvent[], next: (after: ActiveOrderSaga) => readonly SagaEvent[]) {
  const after = first.reduce(evolve, saga);
  return after.status === 'NONE' ? [...first] : [...first, ...next(after)];
}

function start(input: Extract<SagaInput, { type: 'OrderCreated' }>, policy: OrderSagaPolicy): SagaEvent[] {
  const { data, metadata } = input;
  const ctx = contextOf(input);
  const startedEvent: SagaEvent = {
    type: 'SagaStarted',
    data: {
      sagaId: metadata.sagaId,
      orderId: data.orderId,
      correlationId: metadata.correlationId,
      paymentId: metadata.paymentId,
      shipmentId: metadata.shipmentId,
      order: snapshotOf(data),
      at: ctx.at,
    },
  };
  return andThen(initialState(), [startedEvent], (saga) => [startStep(saga, 'reserve_inventory', ctx, policy)]);
}

function whileRunning(input: SagaInput, saga: ActiveOrderSaga, policy: OrderSagaPolicy): readonly SagaEvent[] {
  const ctx = contextOf(input);
  const step = saga.step as ForwardStep;
  const at = (expected: ForwardStep) => step === expected;
  switch (input.type) {
    case 'InventoryReserved': {
      const { productId } = input.data;
      const wanted = saga.order.lines.some((l) => l.productId === productId);
      if (!at('reserve_inventory') || !wanted || saga.reserved.includes(productId)) return [];
      return andThen(saga, [{ type: 'InventoryLineReserved', data: { productId, at: ctx.at } }], (after) =>
        after.reserved.length === after.order.lines.length ? succeed(after, ctx, policy) : [],
      );
    }
    case 'InventoryReservationFailed':
      if (!at('reserve_inventory')) return [];
      // a partial reservation (possible if reservations stop being atomic) is released too
      return fail(saga, ctx, { code: input.data.reason, reason: `${input.data.productId} not reserved`, undo: saga.reserved.length > 0 });
    case 'PaymentAuthorized':
      return at('authorize_payment') && input.data.paymentId === saga.paymentId ? succeed(saga, ctx, policy) : [];
    case 'PaymentDeclined':
      if (!at('authorize_payment') || input.data.paymentId !== saga.paymentId) return [];
      return fail(saga, ctx, { code: input.data.declineCode, reason: input.data.reason, undo: false });
    case 'ShipmentCreated':
      return at('create_shipment') && input.data.shipmentId === saga.shipmentId ? succeed(saga, ctx, policy) : [];
    case 'ShipmentRejected':
      if (!at('create_shipment') || input.data.shipmentId !== saga.shipmentId) return [];
      return fail(saga, ctx, { code: input.data.code, reason: input.data.reason, undo: false });
    case 'OrderConfirmed':
      return at('confirm_order') ? succeed(saga, ctx, policy) : [];
    case 'OrderCancelled':
      // cancelled by its customer mid-way: undo what the saga did, but the order needs no cancel
      return fail(saga, ctx, { code: 'ORDER_CANCELLED', reason: input.data.reason ?? 'order cancelled', undo: true, orderCancelled: true });
    case 'DeadlineReached':
      if (saga.deadline?.step !== input.data.step) return [];
      return fail(saga, ctx, { code: 'STEP_TIMED_OUT', reason: `${step} had no answer by ${saga.deadline.at}`, undo: true });
    case 'CommandSucceeded':
      // the other steps learn their outcome from events; confirming has only one outcome
      return input.data.commandId === saga.commandId && at('confirm_order') ? succeed(saga, ctx, policy) : [];
    case 'CommandFailed':
      return input.data.commandId === saga.commandId ? forwardCommandFailed(saga, input.data, ctx, policy) : [];
    case 'OrderCreated':
    case 'InventoryReleased':
    case 'PaymentVoided':
    case 'ShipmentCancelled':
      return [];
    default:
      return assertNever(input, 'saga input');
  }
}

function forwardCommandFailed(saga: ActiveOrderSaga, failure: CommandFailure, ctx: Context, policy: OrderSagaPolicy) {
  if (saga.step === 'confirm_order' && failure.code === 'ORDER_ALREADY_CONFIRMED') return succeed(saga, ctx, policy);
  const orderCancelled = saga.step === 'confirm_order' && failure.code === 'ORDER_CANCELLED';
  // a refused command changed nothing; one that never got an answer may have
  return fail(saga, ctx, { code: failure.code, reason: failure.message, undo: failure.transient, orderCancelled });
}

function whileCompensating(input: SagaInput, saga: ActiveOrderSaga): readonly SagaEvent[] {
  const ctx = contextOf(input);
  switch (input.type) {
    case 'CommandSucceeded':
      return input.data.commandId === saga.commandId ? compensated(saga, ctx, null) : [];
    case 'CommandFailed': {
      // transient failures of a compensation are retried until it succeeds; never given up on
      if (input.data.commandId !== saga.commandId || input.data.transient) return [];
      if (settles(input.data)) return compensated(saga, ctx, input.data.code);
      const step = saga.step as CompensationStep;
      return [{ type: 'SagaFailed', data: { step, code: input.data.code, reason: input.data.message, at: ctx.at } }];
    }
    case 'OrderCancelled':
      if (saga.step === 'cancel_order') return compensated(saga, ctx, 'order cancelled');
      return saga.orderCancelled ? [] : [{ type: 'OrderCancellationObserved', data: { at: ctx.at } }];
    default:
      return lateResult(input, saga);
  }
}

/**
 * A forward result arriving after its compensation already ran (the command was in flight
 * when its deadline fired) is undone once more, under a command id naming that result.
 */
function lateResult(input: SagaInput, saga: ActiveOrderSaga): readonly SagaEvent[] {
  const ctx = contextOf(input);
  const again = (forward: ForwardStep, late: LateUndo): SagaEvent[] => {
    const step = compensationOf(forward);
    if (!step || !saga.compensated.includes(step)) return [];
    return [{ type: 'LateResultCompensated', data: { step, command: compensationCommand(saga, step, late), at: ctx.at } }];
  };
  switch (input.type) {
    case 'InventoryReserved':
      return input.data.orderId === saga.orderId ? again('reserve_inventory', { suffix: `late-${input.data.productId}`, productId: input.data.productId }) : [];
    case 'PaymentAuthorized':
      return input.data.paymentId === saga.paymentId ? again('authorize_payment', { suffix: 'late' }) : [];
    case 'ShipmentCreated':
      return input.data.shipmentId === saga.shipmentId ? again('create_shipment', { suffix: 'late' }) : [];
    default:
      return [];
  }
}

/** Refusals that mean the compensation's goal already holds: nothing to undo, or undone already. */
const settles = (failure: CommandFailure): boolean =>
  failure.kind === 'not_found' || failure.code.endsWith('_NOT_FOUND') || failure.code === 'ORDER_ALREADY_CANCELLED';

function succeed(saga: ActiveOrderSaga, ctx: Context, policy: OrderSagaPolicy): readonly SagaEvent[] {
  const step = saga.step as ForwardStep;
  const next = nextForwardStep[step];
  return andThen(saga, [{ type: 'StepSucceeded', data: { step, at: ctx.at } }], (after) =>
    next ? [startStep(after, next, ctx, policy)] : [{ type: 'SagaCompleted', data: { at: ctx.at } }],
  );
}

type Failure = Readonly<{ code: string; reason: string; undo: boolean; orderCancelled?: boolean }>;

function fail(saga: ActiveOrderSaga, ctx: Context, failure: Failure): readonly SagaEvent[] {
  const step = saga.step as ForwardStep;
  const events: SagaEvent[] = [{ type: 'StepFailed', data: { step, code: failure.code, reason: failure.reason, undo: failure.undo, at: ctx.at } }];
  if (failure.orderCancelled && !saga.orderCancelled) events.push({ type: 'OrderCancellationObserved', data: { at: ctx.at } });
  return andThen(saga, events, (after) => compensateNext(after, ctx));
}

function compensated(saga: ActiveOrderSaga, ctx: Context, note: string | null): readonly SagaEvent[] {
  const step = saga.step as CompensationStep;
  return andThen(saga, [{ type: 'CompensationSucceeded', data: { step, note, at: ctx.at } }], (after) => compensateNext(after, ctx));
}

function compensateNext(saga: ActiveOrderSaga, ctx: Context): SagaEvent[] {
  const step = nextCompensation(saga);
  if (!step) return [{ type: 'SagaCompensated', data: { at: ctx.at } }];
  return [{ type: 'CompensationStarted', data: { step, command: compensationCommand(saga, step), at: ctx.at } }];
}

function startStep(saga: ActiveOrderSaga, step: ForwardStep, ctx: Context, policy: OrderSagaPolicy): SagaEvent {
  const deadline = new Date(ctx.now.getTime() + policy.stepTimeoutMs).toISOString();
  return { type: 'StepStarted', data: { step, command: forwardCommand(saga, step), deadline, at: ctx.at } };
}

/** One line per product: reservations are keyed by (product, order). */
function snapshotOf(data: OrderCreatedData) {
  const quantities = new Map<string, number>();
  for (const item of data.items) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  const lines: ReservationLine[] = [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
  return {
    customerId: data.customerId,
    currency: data.currency,
    totalAmount: data.totalAmount,
    lines,
    shippingAddress: data.shippingAddress,
    paymentMethod: data.paymentMethod,
  };
}

/** The commands a decision asks to send, in order. */
export function commandsOf(events: readonly SagaEvent[]) {
  return events.flatMap((e) =>
    e.type === 'StepStarted' || e.type === 'CompensationStarted' || e.type === 'LateResultCompensated' ? [e.data.command] : [],
  );
}
