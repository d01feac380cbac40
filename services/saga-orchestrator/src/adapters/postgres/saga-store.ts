import type { PoolClient } from '@orderflow/platform';
import type { SagaCommand } from '../../order-saga/order-saga.commands.js';
import type { ActiveOrderSaga, SagaEvent } from '../../order-saga/order-saga.types.js';

/**
 * The saga tables, one exported function per statement, every value bound. Callers own
 * the transaction; the functions that lock say so.
 */
export type StoredSaga = Readonly<{ sagaId: string; state: ActiveOrderSaga; version: number }>;

export type TraceContext = Readonly<{ traceparent: string | null; tracestate: string | null }>;

export type PendingCommand = Readonly<{ command: SagaCommand; step: string; compensation: boolean }>;

type SagaRow = { saga_id: string; data: ActiveOrderSaga; version: number };
const toStored = (row: SagaRow): StoredSaga => ({ sagaId: row.saga_id, state: row.data, version: row.version });

const columnsOf = (state: ActiveOrderSaga) => [
  state.status,
  state.step,
  JSON.stringify(state),
  JSON.stringify(state.compensationLog),
  state.deadline?.at ?? null,
  state.deadline?.step ?? null,
];

/** False when the order already has a saga of this type (a redelivered or re-published start). */
export async function insertSaga(client: PoolClient, sagaType: string, state: ActiveOrderSaga, version: number): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO saga_instances
       (saga_id, saga_type, order_id, status, current_step, data, compensation_log, next_deadline, deadline_step, correlation_id, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (saga_type, order_id) DO NOTHING`,
    [state.sagaId, sagaType, state.orderId, ...columnsOf(state), state.correlationId, version],
  );
  return rowCount === 1;
}

/** Locks the saga row until the transaction ends. */
export async function lockSagaByOrder(client: PoolClient, sagaType: string, orderId: string): Promise<StoredSaga | null> {
  const { rows } = await client.query<SagaRow>(
    'SELECT saga_id, data, version FROM saga_instances WHERE saga_type = $1 AND order_id = $2 FOR UPDATE',
    [sagaType, orderId],
  );
  return rows[0] ? toStored(rows[0]) : null;
}

/** Locks the saga row until the transaction ends. */
export async function lockSaga(client: PoolClient, sagaId: string): Promise<StoredSaga | null> {
  const { rows } = await client.query<SagaRow>('SELECT saga_id, data, version FROM saga_instances WHERE saga_id = $1 FOR UPDATE', [sagaId]);
  return rows[0] ? toStored(rows[0]) : null;
}

/**
 * Locks the saga with the oldest passed deadline. SKIP LOCKED: a saga another instance or
 * the consumer is changing right now is left for the next tick, never waited on.
 */
export async function lockDueDeadline(client: PoolClient, now: Date): Promise<StoredSaga | null> {
  const { rows } = await client.query<SagaRow>(
    `SELECT saga_id, data, version FROM saga_instances
      WHERE next_deadline <= $1
      ORDER BY next_deadline
      LIMIT 1
      FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return rows[0] ? toStored(rows[0]) : null;
}

/** A change of state clears the failure bookkeeping of the step that just ended. */
export async function updateSaga(client: PoolClient, state: ActiveOrderSaga, version: number): Promise<void> {
  await client.query(
    `UPDATE saga_instances
        SET status = $2, current_step = $3, data = $4, compensation_log = $5, next_deadline = $6, deadline_step = $7,
            version = $8, last_error = NULL, last_error_at = NULL, attempts = 0, updated_at = now()
      WHERE saga_id = $1`,
    [state.sagaId, ...columnsOf(state), version],
  );
}

/** History rows `fromVersion + 1 ...`, one statement. */
export async function appendHistory(client: PoolClient, sagaId: string, fromVersion: number, events: readonly SagaEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO saga_steps (saga_id, seq, event_type, step, data, occurred_at)
     SELECT $1, $2 + ord, t.event_type, t.step, t.data, t.occurred_at
       FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::timestamptz[]) WITH ORDINALITY
            AS t(event_type, step, data, occurred_at, ord)`,
    [
      sagaId,
      fromVersion,
      events.map((e) => e.type),
      events.map((e) => ('step' in e.data ? e.data.step : null)),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => e.data.at),
    ],
  );
}

/** Idempotent: a command id already queued keeps its row. */
export async function enqueueCommands(
  client: PoolClient,
  sagaId: string,
  commands: readonly PendingCommand[],
  trace: TraceContext | null,
): Promise<void> {
  if (commands.length === 0) return;
  await client.query(
    `INSERT INTO saga_commands (command_id, saga_id, command_type, step, payload, compensation, traceparent, tracestate)
     SELECT t.command_id, $1, t.command_type, t.step, t.payload, t.compensation, $7, $8
       FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::boolean[]) AS t(command_id, command_type, step, payload, compensation)
     ON CONFLICT (command_id) DO NOTHING`,
    [
      sagaId,
      commands.map((c) => c.command.commandId),
      commands.map((c) => c.command.type),
      commands.map((c) => c.step),
      commands.map((c) => JSON.stringify(c.command)),
      commands.map((c) => c.compensation),
      trace?.traceparent ?? null,
      trace?.tracestate ?? null,
    ],
  );
}

/** False when this consumer applied the event before. */
export async function markProcessed(
  client: PoolClient,
  consumer: string,
  event: Readonly<{ eventId: string; streamId: string | null; streamVersion: number | null }>,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO saga_processed_events (consumer, event_id, stream_id, stream_version)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [consumer, event.eventId, event.streamId, event.streamVersion],
  );
  return rowCount === 1;
}

/** Disarms a deadline the saga no longer has (already past that step). */
export async function clearDeadline(client: PoolClient, sagaId: string): Promise<void> {
  await client.query('UPDATE saga_instances SET next_deadline = NULL, deadline_step = NULL WHERE saga_id = $1', [sagaId]);
}
