import { inTransaction, type Pool, type PoolClient } from '@orderflow/platform';
import {
  appendHistory,
  clearDeadline,
  enqueueCommands,
  insertSaga,
  lockDueDeadline,
  lockSaga,
  lockSagaByOrder,
  markProcessed,
  updateSaga,
  type PendingCommand,
  type StoredSaga,
  type TraceContext,
} from '../adapters/postgres/saga-store.js';
import { finishCommand } from '../adapters/postgres/command-outbox.js';
import type { OrderSagaDecider } from './order-saga.decide.js';
import { isActiveSaga, orderSagaType, type ActiveOrderSaga, type CommandFailure, type OrderSagaState, type SagaEvent, type SagaInput } from './order-saga.types.js';

/** A committed change of one saga: what it was, what happened, what it is now. */
export type SagaTransition = Readonly<{
  input: SagaInput['type'];
  before: OrderSagaState;
  events: readonly SagaEvent[];
  after: ActiveOrderSaga;
}>;

/** Where a Kafka event came from: its dedupe key, and the trace the commands it causes continue. */
export type EventSource = Readonly<{
  consumer: string;
  eventId: string;
  streamId: string | null;
  streamVersion: number | null;
  trace?: TraceContext;
}>;

export type EventOutcome = 'applied' | 'duplicate' | 'no_saga';

export type SagaHandlerDeps = Readonly<{
  pool: Pool;
  decider: OrderSagaDecider;
  /** Called after the transaction commits, never for a rolled-back change. */
  onCommitted?: (transition: SagaTransition) => void;
}>;

/**
 * The short loop around the decider: lock the saga row, decide, write the new state, its
 * history rows, the commands to send and (for Kafka events) the dedupe row in one
 * transaction. Commands leave only after the commit, through the dispatcher.
 */
export function createSagaHandler(deps: SagaHandlerDeps) {
  const { decider, pool } = deps;

  async function apply(client: PoolClient, stored: StoredSaga | null, input: SagaInput, trace: TraceContext | null = null): Promise<SagaTransition | null> {
    const before: OrderSagaState = stored?.state ?? decider.initialState();
    const events = decider.decide(input, before);
    if (events.length === 0) return null;
    const after = events.reduce(decider.evolve, before);
    if (!isActiveSaga(after)) return null;
    const fromVersion = stored?.version ?? 0;
    const version = fromVersion + events.length;
    if (stored) {
      await updateSaga(client, after, version);
    } else if (!(await insertSaga(client, orderSagaType, after, version))) {
      return null;
    }
    await appendHistory(client, after.sagaId, fromVersion, events);
    await enqueueCommands(client, after.sagaId, pendingCommandsOf(events), trace);
    return { input: input.type, before, events, after };
  }

  const committed = (t: SagaTransition | null) => {
    if (t) deps.onCommitted?.(t);
    return t;
  };

  return {
    /** A Kafka event: applied once per consumer, however often it is delivered. */
    async handleEvent(input: SagaInput, source: EventSource): Promise<EventOutcome> {
      const orderId = 'orderId' in input.data ? input.data.orderId : null;
      if (orderId === null) return 'no_saga';
      let transition: SagaTransition | null = null;
      const outcome = await inTransaction(pool, async (client): Promise<EventOutcome> => {
        const stored = await lockSagaByOrder(client, orderSagaType, orderId);
        if (!stored && input.type !== 'OrderCreated') return 'no_saga';
        if (!(await markProcessed(client, source.consumer, source))) return 'duplicate';
        transition = await apply(client, stored, input, source.trace ?? null);
        return 'applied';
      });
      committed(transition);
      return outcome;
    },

    /** Fires the oldest passed deadline, if any; false when none was due. */
    async fireDueDeadline(now: Date): Promise<boolean> {
      let transition: SagaTransition | null = null;
      const fired = await inTransaction(pool, async (client) => {
        const stored = await lockDueDeadline(client, now);
        if (!stored) return false;
        const step = stored.state.deadline?.step ?? '';
        transition = await apply(client, stored, { type: 'DeadlineReached', data: { step }, metadata: { now } });
        // a deadline the decider ignores must not fire again and again
        if (!transition) await clearDeadline(client, stored.sagaId);
        return true;
      });
      committed(transition);
      return fired;
    },

    /** The dispatcher's final word on a command: accepted, or refused / out of retries. */
    async handleCommandResult(
      sagaId: string,
      commandId: string,
      result: Readonly<{ ok: true; attempts: number }> | Readonly<{ ok: false; attempts: number; failure: CommandFailure }>,
      now: Date,
    ): Promise<SagaTransition | null> {
      const transition = await inTransaction(pool, async (client) => {
        const error = result.ok ? null : `${result.failure.code}: ${result.failure.message}`;
        const stillPending = await finishCommand(client, commandId, { status: result.ok ? 'SENT' : 'FAILED', attempts: result.attempts, error });
        if (!stillPending) return null;
        const stored = await lockSaga(client, sagaId);
        const input: SagaInput = result.ok
          ? { type: 'CommandSucceeded', data: { commandId }, metadata: { now } }
          : { type: 'CommandFailed', data: result.failure, metadata: { now } };
        return apply(client, stored, input);
      });
      return committed(transition);
    },
  };
}

export type SagaHandler = ReturnType<typeof createSagaHandler>;

function pendingCommandsOf(events: readonly SagaEvent[]): PendingCommand[] {
  return events.flatMap((e): PendingCommand[] => {
    switch (e.type) {
      case 'StepStarted':
        return [{ command: e.data.command, step: e.data.step, compensation: false }];
      case 'CompensationStarted':
      case 'LateResultCompensated':
        return [{ command: e.data.command, step: e.data.step, compensation: true }];
      default:
        return [];
    }
  });
}
