import { assertNever } from '@orderflow/contracts';
import type { ActiveOrderSaga, CompensationLogEntry, ForwardStep, OrderSagaState, SagaEvent } from './order-saga.types.js';

export const initialState = (): OrderSagaState => ({ status: 'NONE' });

/** Folds one of the saga's own events into its state. Pure; never fails on a valid history. */
export function evolve(state: OrderSagaState, event: SagaEvent): OrderSagaState {
  if (event.type === 'SagaStarted') return started(event.data);
  if (state.status === 'NONE') return state;
  const saga = state;
  switch (event.type) {
    case 'StepStarted':
      return {
        ...saga,
        step: event.data.step,
        commandId: event.data.command.commandId,
        stepStartedAt: event.data.at,
        deadline: { step: event.data.step, at: event.data.deadline },
      };
    case 'InventoryLineReserved':
      return { ...saga, reserved: [...saga.reserved, event.data.productId] };
    case 'StepSucceeded':
      return { ...saga, completed: [...saga.completed, event.data.step], commandId: null, deadline: null };
    case 'StepFailed':
      return {
        ...saga,
        status: 'COMPENSATING',
        commandId: null,
        deadline: null,
        failure: { step: event.data.step, code: event.data.code, reason: event.data.reason, at: event.data.at },
        toUndo: undoable(saga.completed, event.data.undo ? event.data.step : null),
      };
    case 'OrderCancellationObserved':
      return { ...saga, orderCancelled: true };
    case 'CompensationStarted':
      return {
        ...saga,
        step: event.data.step,
        commandId: event.data.command.commandId,
        stepStartedAt: event.data.at,
        compensationLog: [...saga.compensationLog, logEntry(event.data.step, 'started', event.data.command.commandId, event.data.at, null)],
      };
    case 'CompensationSucceeded':
      return {
        ...saga,
        commandId: null,
        compensated: [...saga.compensated, event.data.step],
        compensationLog: [...saga.compensationLog, logEntry(event.data.step, 'succeeded', saga.commandId ?? '', event.data.at, event.data.note)],
      };
    case 'LateResultCompensated':
      return {
        ...saga,
        compensationLog: [...saga.compensationLog, logEntry(event.data.step, 'started', event.data.command.commandId, event.data.at, 'late result')],
      };
    case 'SagaCompleted':
      return { ...saga, status: 'COMPLETED', step: null, commandId: null, deadline: null };
    case 'SagaCompensated':
      return { ...saga, status: 'COMPENSATED', step: null, commandId: null, deadline: null };
    case 'SagaFailed':
      return {
        ...saga,
        status: 'FAILED',
        step: null,
        commandId: null,
        deadline: null,
        compensationLog: [...saga.compensationLog, logEntry(event.data.step, 'failed', saga.commandId ?? '', event.data.at, `${event.data.code}: ${event.data.reason}`)],
      };
    default:
      return assertNever(event, 'saga event');
  }
}

function started(data: Extract<SagaEvent, { type: 'SagaStarted' }>['data']): ActiveOrderSaga {
  return {
    status: 'RUNNING',
    sagaId: data.sagaId,
    orderId: data.orderId,
    correlationId: data.correlationId,
    paymentId: data.paymentId,
    shipmentId: data.shipmentId,
    order: data.order,
    step: null,
    commandId: null,
    stepStartedAt: null,
    deadline: null,
    reserved: [],
    completed: [],
    toUndo: [],
    compensated: [],
    orderCancelled: false,
    failure: null,
    compensationLog: [],
  };
}

const undoable = (completed: readonly ForwardStep[], uncertain: ForwardStep | null): ForwardStep[] =>
  uncertain && !completed.includes(uncertain) ? [...completed, uncertain] : [...completed];

const logEntry = (
  step: CompensationLogEntry['step'],
  status: CompensationLogEntry['status'],
  commandId: string,
  at: string,
  note: string | null,
): CompensationLogEntry => ({ step, status, commandId, at, note });
