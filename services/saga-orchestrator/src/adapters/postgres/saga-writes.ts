import { queryKeepingConnection, type Pool, type PoolClient } from '@orderflow/platform';
import type { SagaCommand } from '../../order-saga/order-saga.commands.js';
import type { ActiveOrderSaga, SagaEvent } from '../../order-saga/order-saga.types.js';
import { toStored, type SagaRow, type StoredSaga, type TraceContext } from './saga-store.js';

/**
 * The two statements of a saga transaction, for any number of sagas: one locks the sagas
 * and records the events as processed, the other writes every change. However many
 * events a transaction applies, it costs four round trips (with BEGIN and COMMIT).
 */
export type PendingCommand = Readonly<{
  sagaId: string;
  command: SagaCommand;
  step: string;
  compensation: boolean;
  /** The trace of the event that led to the command, continued when it is sent. */
  trace: TraceContext | null;
  /** The saga reacts to the command's success (confirming, compensating); other steps end on events. */
  awaited: boolean;
}>;

/** A Kafka event to record as processed; `starts`: its order gets a saga in this transaction. */
export type EventToMark = Readonly<{ eventId: string; streamId: string | null; streamVersion: number | null; orderId: string; starts: boolean }>;

export type LockedAndMarked = Readonly<{
  /** The sagas of the orders, locked, by order id. */
  sagas: Map<string, StoredSaga>;
  /** The events this consumer had not processed before (an id given twice counts once). */
  fresh: Set<string>;
}>;

/**
 * Locks the sagas of these orders until the transaction ends, in order id order (two
 * transactions locking overlapping sets never wait on each other in a cycle), and records
 * as processed the events of orders that have a saga or get one now; the others are
 * skipped and left unrecorded.
 */
export async function lockSagasAndMarkEvents(
  client: PoolClient,
  sagaType: string,
  consumer: string,
  orderIds: readonly string[],
  events: readonly EventToMark[],
): Promise<LockedAndMarked> {
  const { rows } = await client.query<(SagaRow & { order_id: string; event_id: null }) | { saga_id: null; order_id: null; event_id: string }>({
    name: 'saga.lock_and_mark',
    text: `WITH locked AS (
       SELECT saga_id, order_id, data, version FROM saga_instances
        WHERE saga_type = $1 AND order_id = ANY($2::text[])
        ORDER BY order_id
        FOR UPDATE
     ), fresh AS (
       INSERT INTO saga_processed_events (consumer, event_id, stream_id, stream_version)
       SELECT $3, e.event_id, e.stream_id, e.stream_version
         FROM unnest($4::text[], $5::text[], $6::int[], $7::text[], $8::boolean[]) AS e(event_id, stream_id, stream_version, order_id, starts)
        WHERE e.starts OR e.order_id IN (SELECT order_id FROM locked)
       ON CONFLICT DO NOTHING
       RETURNING event_id
     )
     SELECT saga_id, order_id, data, version, NULL AS event_id FROM locked
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, event_id FROM fresh`,
    values: [
      sagaType,
      orderIds,
      consumer,
      events.map((e) => e.eventId),
      events.map((e) => e.streamId),
      events.map((e) => e.streamVersion),
      events.map((e) => e.orderId),
      events.map((e) => e.starts),
    ],
  });
  const sagas = new Map<string, StoredSaga>();
  const fresh = new Set<string>();
  for (const r of rows) {
    if (r.event_id !== null) fresh.add(r.event_id);
    else if (r.saga_id !== null) sagas.set(r.order_id, toStored(r));
  }
  return { sagas, fresh };
}

/** A saga's new state and the version it reaches. */
export type SagaWrite = Readonly<{ state: ActiveOrderSaga; version: number }>;

export type SagaHistory = Readonly<{ sagaId: string; fromVersion: number; events: readonly SagaEvent[] }>;

export type SagaChanges = Readonly<{
  started: readonly SagaWrite[];
  updated: readonly SagaWrite[];
  histories: readonly SagaHistory[];
  commands: readonly PendingCommand[];
  /** New commands are leased this long to the process that wrote them (0: due at once). */
  commandLeaseMs: number;
}>;

/**
 * Every change in one statement: new sagas, new states, history rows `fromVersion + 1 ...`,
 * commands to send (a command id already queued keeps its row), leased to the writer if it
 * sends them itself. A state change clears
 * the failure bookkeeping of the step that ended. A deadline postponed on start stays
 * postponed while its step runs: the state keeps the step's own deadline, the column the
 * later of the two. A new saga that loses the race to the unique (saga type, order id)
 * key fails the statement on its history's foreign key: the caller tries again, alone,
 * and finds the winner's saga.
 */
export async function writeSagas(client: PoolClient, sagaType: string, changes: SagaChanges): Promise<void> {
  const { started, updated, histories, commands } = changes;
  const steps = histories.reduce((n, h) => n + h.events.length, 0);
  if (started.length + updated.length + steps + commands.length === 0) return;
  await client.query({ name: 'saga.write', text: WRITE_SQL, values: writeValues(sagaType, changes) });
}

/**
 * The same writes for states this process already knows, decided without reading them,
 * with the events' dedupe rows: one statement, so one round trip and all or nothing. It
 * first locks the sagas it updates, in order id order like `lockSagasAndMarkEvents`, and
 * every write joins that lock (`gate`), so it waits for a transaction changing them and
 * never holds a key another one needs. The history rows are then the guard, as
 * `(stream_id, stream_version)` is the event store's: a saga changed since the state known
 * here already holds history row `fromVersion + 1`, and an event processed already holds
 * its dedupe row, so the statement fails with a unique violation (a saga started meanwhile,
 * on its history's foreign key) and changes nothing. Returns `changed_meanwhile` then:
 * the caller applies its inputs again under locks, from the stored states. With `finish`,
 * a command's result: written only while that command is still pending (`not_pending`
 * otherwise, and nothing written), its row ended first, as `finishCommand` does.
 */
export async function writeSagasIfUnchanged(
  pool: Pool,
  sagaType: string,
  changes: SagaChanges,
  marks: Readonly<{ consumer: string; events: readonly EventToMark[] }> | null,
  finish: Readonly<{ commandId: string; outcome: CommandOutcome }> | null,
): Promise<'written' | 'changed_meanwhile' | 'not_pending'> {
  try {
    // a lost race is an error response: the connection stays in the pool
    const { rows } = await queryKeepingConnection<{ written: number }>(pool, {
      name: 'saga.write_if_unchanged',
      text: `WITH finished AS (
       UPDATE saga_commands
          SET status = $40, attempts = $41, last_error = $42, sent_at = CASE WHEN $40 = 'SENT' THEN now() END
        WHERE command_id = $39 AND status = 'PENDING'
        RETURNING command_id
     ), locked AS MATERIALIZED (
       SELECT saga_id FROM saga_instances
        WHERE saga_id = ANY($11::uuid[]) AND ($39::text IS NULL OR EXISTS (SELECT FROM finished))
        ORDER BY order_id
        FOR UPDATE
     ), gate AS MATERIALIZED (
       SELECT l.sagas FROM (SELECT count(*) AS sagas FROM locked) l
        WHERE $39::text IS NULL OR EXISTS (SELECT FROM finished)
     ), ${writeCtes('gate, ')}
     ), processed AS (
       INSERT INTO saga_processed_events (consumer, event_id, stream_id, stream_version)
       SELECT $35, e.event_id, e.stream_id, e.stream_version
         FROM gate, unnest($36::text[], $37::text[], $38::int[]) AS e(event_id, stream_id, stream_version)
     )
     SELECT count(*)::int AS written FROM gate`,
      values: [
        ...writeValues(sagaType, changes),
        marks?.consumer ?? '',
        marks?.events.map((e) => e.eventId) ?? [],
        marks?.events.map((e) => e.streamId) ?? [],
        marks?.events.map((e) => e.streamVersion) ?? [],
        finish?.commandId ?? null,
        finish?.outcome.status ?? null,
        finish?.outcome.attempts ?? null,
        finish?.outcome.error ?? null,
      ],
    });
    return rows[0]?.written === 1 ? 'written' : 'not_pending';
  } catch (error) {
    if (isWriteConflict(error)) return 'changed_meanwhile';
    throw error;
  }
}

/** How a command ended, as its row records it. */
export type CommandOutcome = Readonly<{ status: 'SENT' | 'FAILED'; attempts: number; error: string | null }>;

/** unique_violation, foreign_key_violation: what a concurrent change or a repeated event cause. */
const isWriteConflict = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === '23503';
};

/**
 * The writes every saga transaction makes, as CTEs: new sagas, changed sagas, history rows
 * and commands, each from its unnest of the parameters `writeValues` lays out. `from` goes
 * before each unnest (`gate, ` makes every write depend on the guarded statement's gate).
 */
const writeCtes = (from: string) => `started AS (
       INSERT INTO saga_instances
         (saga_id, saga_type, order_id, status, current_step, data, compensation_log, next_deadline, deadline_step, correlation_id, version)
       SELECT t.saga_id, $1, t.order_id, t.status, t.step, t.data, t.log, t.deadline, t.deadline_step, t.data->>'correlationId', t.version
         FROM ${from}unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::timestamptz[], $9::text[], $10::int[])
              AS t(saga_id, order_id, status, step, data, log, deadline, deadline_step, version)
       ON CONFLICT (saga_type, order_id) DO NOTHING
     ), updated AS (
       UPDATE saga_instances s
          SET status = t.status, current_step = t.step, data = t.data, compensation_log = t.log,
              next_deadline = CASE WHEN t.deadline_step = s.deadline_step AND s.next_deadline > t.deadline THEN s.next_deadline ELSE t.deadline END,
              deadline_step = t.deadline_step, version = t.version,
              last_error = NULL, last_error_at = NULL, attempts = 0, updated_at = now()
         FROM ${from}unnest($11::uuid[], $12::text[], $13::text[], $14::text[], $15::jsonb[], $16::jsonb[], $17::timestamptz[], $18::text[], $19::int[])
              AS t(saga_id, order_id, status, step, data, log, deadline, deadline_step, version)
        WHERE s.saga_id = t.saga_id
     ), history AS (
       INSERT INTO saga_steps (saga_id, seq, event_type, step, data, occurred_at)
       SELECT h.saga_id, h.seq, h.event_type, h.step, h.data, h.occurred_at
         FROM ${from}unnest($20::uuid[], $21::int[], $22::text[], $23::text[], $24::jsonb[], $25::timestamptz[])
              AS h(saga_id, seq, event_type, step, data, occurred_at)
     ), commands AS (
       INSERT INTO saga_commands (command_id, saga_id, command_type, step, payload, compensation, traceparent, tracestate, next_attempt_at)
       SELECT c.command_id, c.saga_id, c.command_type, c.step, c.payload, c.compensation, c.traceparent, c.tracestate,
              now() + make_interval(secs => $34::double precision / 1000)
         FROM ${from}unnest($26::text[], $27::uuid[], $28::text[], $29::text[], $30::jsonb[], $31::boolean[], $32::text[], $33::text[])
              AS c(command_id, saga_id, command_type, step, payload, compensation, traceparent, tracestate)
       ON CONFLICT (command_id) DO NOTHING`;

// data-modifying CTEs run whatever the outer query reads
const WRITE_SQL = `WITH ${writeCtes('')}
     )
     SELECT 1`;

function writeValues(sagaType: string, changes: SagaChanges): unknown[] {
  const { started, updated, histories, commands } = changes;
  const steps = histories.flatMap((h) => h.events.map((e, i) => ({ sagaId: h.sagaId, seq: h.fromVersion + i + 1, e })));
  return [
    sagaType,
    ...columnsOf(started),
    ...columnsOf(updated),
    steps.map((r) => r.sagaId),
    steps.map((r) => r.seq),
    steps.map((r) => r.e.type),
    steps.map((r) => ('step' in r.e.data ? r.e.data.step : null)),
    steps.map((r) => JSON.stringify(r.e.data)),
    steps.map((r) => r.e.data.at),
    commands.map((c) => c.command.commandId),
    commands.map((c) => c.sagaId),
    commands.map((c) => c.command.type),
    commands.map((c) => c.step),
    commands.map((c) => JSON.stringify(c.command)),
    commands.map((c) => c.compensation),
    commands.map((c) => c.trace?.traceparent ?? null),
    commands.map((c) => c.trace?.tracestate ?? null),
    changes.commandLeaseMs,
  ];
}

/** Parallel arrays, one entry per saga, for the unnest of a saga row. */
const columnsOf = (sagas: readonly SagaWrite[]) => [
  sagas.map((s) => s.state.sagaId),
  sagas.map((s) => s.state.orderId),
  sagas.map((s) => s.state.status),
  sagas.map((s) => s.state.step),
  sagas.map((s) => JSON.stringify(s.state)),
  sagas.map((s) => JSON.stringify(s.state.compensationLog)),
  sagas.map((s) => s.state.deadline?.at ?? null),
  sagas.map((s) => s.state.deadline?.step ?? null),
  sagas.map((s) => s.version),
];
