import { createCoalescer, createKeyedLanes, inTransaction, type Pool, type PoolClient } from '@orderflow/platform';
import { clearDeadline, lockDueDeadline, lockSaga, type StoredSaga, type TraceContext } from '../adapters/postgres/saga-store.js';
import {
  lockSagasAndMarkEvents,
  writeSagas,
  writeSagasIfUnchanged,
  type EventToMark,
  type PendingCommand,
  type SagaChanges,
} from '../adapters/postgres/saga-writes.js';
import { finishCommand, finishCommands, readPendingCommand, type CommandEnd } from '../adapters/postgres/command-outbox.js';
import type { OrderSagaDecider } from './order-saga.decide.js';
import { createSagaCache } from './saga-cache.js';
import { isActiveSaga, orderSagaType, type ActiveOrderSaga, type CommandFailure, type OrderSagaState, type SagaEvent, type SagaInput } from './order-saga.types.js';

/** A committed change of one saga: what it was, what happened, what it is now, what to send. */
export type SagaTransition = Readonly<{
  input: SagaInput['type'];
  before: OrderSagaState;
  events: readonly SagaEvent[];
  after: ActiveOrderSaga;
  commands: readonly PendingCommand[];
}>;

/** Where a Kafka event came from: its dedupe key, and the trace the commands it causes continue. */
export type EventSource = Readonly<{
  consumer: string;
  eventId: string;
  streamId: string | null;
  streamVersion: number | null;
  trace?: TraceContext;
}>;

/** A Kafka event as the saga's input, with where it came from (one consumer's). */
export type SourcedInput = Readonly<{ input: SagaInput } & Omit<EventSource, 'consumer'>>;

export type EventOutcome = 'applied' | 'duplicate' | 'no_saga';

export type SagaHandlerDeps = Readonly<{
  pool: Pool;
  decider: OrderSagaDecider;
  /** Called after the transaction commits, never for a rolled-back change. */
  onCommitted?: (transition: SagaTransition) => void;
  /**
   * New commands are leased this long to this process, which sends them itself once
   * `onCommitted` hands them over; 0 leaves them due at once, for any dispatcher to claim.
   */
  commandLeaseMs?: number;
}>;

/** One saga's changes within a transaction, folded input by input. */
type Draft = {
  readonly stored: StoredSaga | null;
  state: OrderSagaState;
  version: number;
  readonly events: SagaEvent[];
  readonly commands: PendingCommand[];
  readonly transitions: SagaTransition[];
};

const draftOf = (stored: StoredSaga | null, initial: OrderSagaState): Draft => ({
  stored,
  state: stored?.state ?? initial,
  version: stored?.version ?? 0,
  events: [],
  commands: [],
  transitions: [],
});

const orderIdOf = (input: SagaInput): string | null => ('orderId' in input.data ? input.data.orderId : null);

/**
 * The short loop around the decider: lock the saga rows, decide, write the new states,
 * their history rows, the commands to send and (for Kafka events) the dedupe rows in one
 * transaction. Commands leave only after the commit, through the dispatcher.
 */
export function createSagaHandler(deps: SagaHandlerDeps) {
  const { decider, pool } = deps;

  /** Whether the saga reacts to the success of this command, or learns its outcome from events. */
  const awaits = (saga: ActiveOrderSaga, commandId: string, now: Date): boolean =>
    decider.decide({ type: 'CommandSucceeded', data: { commandId }, metadata: { now } }, saga).length > 0;

  /** Folds the input into the draft; false when it changes nothing. */
  function decide(draft: Draft, input: SagaInput, trace: TraceContext | null): boolean {
    const before = draft.state;
    const events = decider.decide(input, before);
    if (events.length === 0) return false;
    const after = events.reduce(decider.evolve, before);
    if (!isActiveSaga(after)) return false;
    draft.state = after;
    draft.version += events.length;
    const commands = pendingCommandsOf(after.sagaId, events, trace, (commandId) => awaits(after, commandId, input.metadata.now));
    draft.events.push(...events);
    draft.commands.push(...commands);
    draft.transitions.push({ input: input.type, before, events, after, commands });
    return true;
  }

  const changesOf = (changed: readonly Draft[]): SagaChanges => ({
    started: changed.filter((d) => d.stored === null).map(writeOf),
    updated: changed.filter((d) => d.stored !== null).map(writeOf),
    histories: changed.map((d) => ({ sagaId: sagaIdOf(d), fromVersion: d.stored?.version ?? 0, events: d.events })),
    commands: changed.flatMap((d) => d.commands),
    commandLeaseMs: deps.commandLeaseMs ?? 0,
  });

  /** Writes the changed drafts in one statement; returns them, for `committed` once the transaction is. */
  async function persist(client: PoolClient, drafts: readonly Draft[]): Promise<Draft[]> {
    const changed = drafts.filter((d) => d.events.length > 0);
    await writeSagas(client, orderSagaType, changesOf(changed));
    return changed;
  }

  // states known from this process's own reads and commits; never trusted without a guard
  const cache = createSagaCache();
  const remember = (stored: StoredSaga | null | undefined) => {
    if (stored) cache.put(stored);
  };
  // Decisions from those states, one at a time per saga (by order id). Without it, a
  // command's answer and an event for one saga arriving together (ConfirmOrder's success
  // and OrderConfirmed) both decide from the same known state: one loses its guarded write
  // and is decided again under locks. In a lane the second starts from what the first wrote.
  const lanes = createKeyedLanes();
  // most answers only end their command's row: the answers arriving together share one statement
  const endCommand = createCoalescer((ends: readonly CommandEnd[]) => finishCommands(pool, ends));

  /** After the commit of the drafts' changes: remembers their states, announces their transitions. */
  const committed = (written: readonly Draft[]): SagaTransition[] => {
    for (const d of written) if (isActiveSaga(d.state)) cache.put({ sagaId: d.state.sagaId, state: d.state, version: d.version });
    const transitions = written.flatMap((d) => d.transitions);
    for (const t of transitions) deps.onCommitted?.(t);
    return transitions;
  };

  /**
   * The events decided on the states this process knows, written in one statement that
   * fails if any of those states or events moved meanwhile (see `writeSagasIfUnchanged`);
   * null when that failed or cannot be tried (a saga not known here, a decision that
   * changes nothing on a state that may still change): then the locking path runs.
   */
  async function handleKnownEvents(consumer: string, batch: readonly SourcedInput[]): Promise<EventOutcome[] | null> {
    const orderIds = batch.flatMap(({ input }) => orderIdOf(input) ?? []);
    return lanes.run(orderIds, () => decideKnownEvents(consumer, batch));
  }

  async function decideKnownEvents(consumer: string, batch: readonly SourcedInput[]): Promise<EventOutcome[] | null> {
    const drafts = new Map<string, Draft>();
    const marks: EventToMark[] = [];
    const outcomes: EventOutcome[] = [];
    for (const { input, eventId, streamId, streamVersion, trace } of batch) {
      const orderId = orderIdOf(input);
      if (orderId === null) {
        outcomes.push('no_saga');
        continue;
      }
      let draft = drafts.get(orderId);
      if (!draft) {
        const known = cache.get(orderId);
        if (!known && input.type !== 'OrderCreated') return null;
        draft = draftOf(known ?? null, decider.initialState());
        drafts.set(orderId, draft);
      }
      // a decision that changes nothing is guarded only by an earlier change of the same
      // saga in this statement, or by a state that never changes again
      if (!decide(draft, input, trace ?? null) && draft.events.length === 0 && draft.state.status !== 'COMPLETED') return null;
      marks.push({ eventId, streamId, streamVersion, orderId, starts: false });
      outcomes.push('applied');
    }
    const changed = [...drafts.values()].filter((d) => d.events.length > 0);
    const written = await writeSagasIfUnchanged(pool, orderSagaType, changesOf(changed), { consumer, events: marks }, null);
    if (written !== 'written') return null;
    committed(changed);
    return outcomes;
  }

  /**
   * Kafka events of one consumer, in order, applied once however often they are
   * delivered, all in one transaction. An event of an order without a saga, and without
   * an OrderCreated among these events, is skipped and not recorded.
   */
  async function handleEvents(consumer: string, batch: readonly SourcedInput[]): Promise<EventOutcome[]> {
    const fast = await handleKnownEvents(consumer, batch);
    if (fast) return fast;
    let written: Draft[] = [];
    const outcomes = await inTransaction(pool, async (client) => {
      const orderIds = [...new Set(batch.map((b) => orderIdOf(b.input)).filter((id): id is string => id !== null))];
      const starting = new Set(batch.flatMap((b) => (b.input.type === 'OrderCreated' ? [b.input.data.orderId] : [])));
      const marks = batch.flatMap((b) => {
        const orderId = orderIdOf(b.input);
        return orderId === null ? [] : [{ eventId: b.eventId, streamId: b.streamId, streamVersion: b.streamVersion, orderId, starts: starting.has(orderId) }];
      });
      const { sagas, fresh } = await lockSagasAndMarkEvents(client, orderSagaType, consumer, orderIds, marks);
      sagas.forEach(remember);
      const drafts = new Map<string, Draft>();
      const result = batch.map(({ input, eventId, trace }): EventOutcome => {
        const orderId = orderIdOf(input);
        if (orderId === null || (!sagas.has(orderId) && !starting.has(orderId))) return 'no_saga';
        // deleting: the same event twice in one batch is applied once
        if (!fresh.delete(eventId)) return 'duplicate';
        const draft = drafts.get(orderId) ?? draftOf(sagas.get(orderId) ?? null, decider.initialState());
        drafts.set(orderId, draft);
        decide(draft, input, trace ?? null);
        return 'applied';
      });
      written = await persist(client, [...drafts.values()]);
      return result;
    });
    committed(written);
    return outcomes;
  }

  return {
    handleEvents,

    /** A Kafka event: applied once per consumer, however often it is delivered. */
    async handleEvent(input: SagaInput, source: EventSource): Promise<EventOutcome> {
      const [outcome] = await handleEvents(source.consumer, [{ ...source, input }]);
      return outcome ?? 'no_saga';
    },

    /**
     * Fires the oldest deadline passed by `dueBy` (now, or earlier while the consumer may
     * still hold the answer unread); false when none was due.
     */
    async fireDueDeadline(now: Date, dueBy: Date = now): Promise<boolean> {
      let written: Draft[] = [];
      const fired = await inTransaction(pool, async (client) => {
        const stored = await lockDueDeadline(client, dueBy);
        if (!stored) return false;
        remember(stored);
        const draft = draftOf(stored, decider.initialState());
        decide(draft, { type: 'DeadlineReached', data: { step: stored.state.deadline?.step ?? '' }, metadata: { now } }, null);
        // a deadline the decider ignores must not fire again and again
        if (draft.events.length === 0) await clearDeadline(client, stored.sagaId);
        else written = await persist(client, [draft]);
        return true;
      });
      committed(written);
      return fired;
    },

    /**
     * The dispatcher's final word on a command: accepted, or refused / out of retries.
     *
     * Most answers change nothing (a forward step learns its outcome from events): a
     * success the saga did not await when it issued the command only ends the command row,
     * in one statement shared with the other answers arriving meanwhile. That holds because
     * a saga waits on one command at a time, never waits again on one it stopped waiting
     * for, and does not change its mind about a command while it waits on it. A command
     * claimed by polling comes without that knowledge: its saga is read first, unlocked,
     * which is as safe, since that state is at least as new as the command's row. An
     * answer that matters is decided again under the saga's lock.
     */
    async handleCommandResult(
      command: Readonly<{ sagaId: string; commandId: string; awaited?: boolean }>,
      result: Readonly<{ ok: true; attempts: number }> | Readonly<{ ok: false; attempts: number; failure: CommandFailure }>,
      now: Date,
    ): Promise<SagaTransition | null> {
      const { sagaId, commandId } = command;
      const input: SagaInput = result.ok
        ? { type: 'CommandSucceeded', data: { commandId }, metadata: { now } }
        : { type: 'CommandFailed', data: result.failure, metadata: { now } };
      const outcome = { status: result.ok ? 'SENT' : 'FAILED', attempts: result.attempts, error: result.ok ? null : `${result.failure.code}: ${result.failure.message}` } as const;
      if (result.ok && command.awaited === false) {
        await endCommand({ commandId, outcome });
        return null;
      }
      // handed over by this process: the state known here is the one that issued it, or newer
      const orderId = command.awaited === undefined ? undefined : cache.bySagaId(sagaId)?.state.orderId;
      if (orderId !== undefined) {
        const decided = await lanes.run([orderId], async (): Promise<SagaTransition | null | 'under_lock'> => {
          const known = cache.bySagaId(sagaId);
          if (!known) return 'under_lock';
          const draft = draftOf(known, decider.initialState());
          if (!decide(draft, input, null)) {
            await endCommand({ commandId, outcome });
            return null;
          }
          const written = await writeSagasIfUnchanged(pool, orderSagaType, changesOf([draft]), null, { commandId, outcome });
          if (written === 'not_pending') return null;
          if (written === 'written') return committed([draft])[0] ?? null;
          return 'under_lock';
        });
        if (decided !== 'under_lock') return decided;
      }
      if (command.awaited === undefined) {
        const current = await readPendingCommand(pool, commandId);
        if (!current) return null;
        if (decider.decide(input, current.state).length === 0) {
          await endCommand({ commandId, outcome });
          return null;
        }
      }
      const written = await inTransaction(pool, async (client) => {
        if (!(await finishCommand(client, commandId, outcome))) return [];
        const stored = await lockSaga(client, sagaId);
        remember(stored);
        const draft = draftOf(stored, decider.initialState());
        decide(draft, input, null);
        return persist(client, [draft]);
      });
      return committed(written)[0] ?? null;
    },
  };
}

const sagaIdOf = (draft: Draft): string => (isActiveSaga(draft.state) ? draft.state.sagaId : '');

const writeOf = (draft: Draft) => ({ state: draft.state as ActiveOrderSaga, version: draft.version });

export type SagaHandler = ReturnType<typeof createSagaHandler>;

function pendingCommandsOf(
  sagaId: string,
  events: readonly SagaEvent[],
  trace: TraceContext | null,
  awaited: (commandId: string) => boolean,
): PendingCommand[] {
  return events.flatMap((e): PendingCommand[] => {
    switch (e.type) {
      case 'StepStarted':
        return [{ sagaId, command: e.data.command, step: e.data.step, compensation: false, trace, awaited: awaited(e.data.command.commandId) }];
      case 'CompensationStarted':
      case 'LateResultCompensated':
        return [{ sagaId, command: e.data.command, step: e.data.step, compensation: true, trace, awaited: awaited(e.data.command.commandId) }];
      default:
        return [];
    }
  });
}
