import type { Pool, PoolClient } from '@orderflow/platform';
import type { ActiveOrderSaga } from '../../order-saga/order-saga.types.js';

/**
 * The saga tables, one exported function per statement, every value bound (the writes of
 * a transaction are in saga-writes.ts). Callers own the transaction; the functions that
 * lock say so.
 */
export type StoredSaga = Readonly<{ sagaId: string; state: ActiveOrderSaga; version: number }>;

export type TraceContext = Readonly<{ traceparent: string | null; tracestate: string | null }>;

export type SagaRow = { saga_id: string; data: ActiveOrderSaga; version: number };
export const toStored = (row: SagaRow): StoredSaga => ({ sagaId: row.saga_id, state: row.data, version: row.version });

/** Locks the saga row until the transaction ends. */
export async function lockSaga(client: PoolClient, sagaId: string): Promise<StoredSaga | null> {
  const { rows } = await client.query<SagaRow>({
    name: 'saga.lock',
    text: 'SELECT saga_id, data, version FROM saga_instances WHERE saga_id = $1 FOR UPDATE',
    values: [sagaId],
  });
  return rows[0] ? toStored(rows[0]) : null;
}

/**
 * Locks the saga with the oldest deadline passed by `dueBy`. SKIP LOCKED: a saga another
 * instance or the consumer is changing right now is left for the next tick, never waited on.
 */
export async function lockDueDeadline(client: PoolClient, dueBy: Date): Promise<StoredSaga | null> {
  const { rows } = await client.query<SagaRow>(
    `SELECT saga_id, data, version FROM saga_instances
      WHERE next_deadline <= $1
      ORDER BY next_deadline
      LIMIT 1
      FOR UPDATE SKIP LOCKED`,
    [dueBy],
  );
  return rows[0] ? toStored(rows[0]) : null;
}

/** Disarms a deadline the saga no longer has (already past that step). */
export async function clearDeadline(client: PoolClient, sagaId: string): Promise<void> {
  await client.query('UPDATE saga_instances SET next_deadline = NULL, deadline_step = NULL WHERE saga_id = $1', [sagaId]);
}

/** The earliest armed deadline, if any: lets the timer skip a tick with nothing due. */
export async function earliestDeadline(pool: Pool): Promise<Date | null> {
  const { rows } = await pool.query<{ at: Date | null }>({
    name: 'saga.earliest_deadline',
    text: 'SELECT min(next_deadline) AS at FROM saga_instances WHERE next_deadline IS NOT NULL',
  });
  return rows[0]?.at ?? null;
}

/**
 * Moves every deadline earlier than `until` to `until`: a restarted orchestrator gives the
 * commands it sends again time to be answered before their steps can time out.
 */
export async function postponeDeadlines(pool: Pool, until: Date): Promise<number> {
  const { rowCount } = await pool.query('UPDATE saga_instances SET next_deadline = $1 WHERE next_deadline < $1', [until]);
  return rowCount ?? 0;
}

/**
 * Deletes up to `limit` dedupe rows recorded before `olderThan`, oldest first; rows
 * another pruner is deleting are skipped. Returns how many went.
 */
export async function deleteProcessedEventsBefore(pool: Pool, olderThan: Date, limit: number): Promise<number> {
  const { rowCount } = await pool.query({
    name: 'saga.prune_processed',
    text: `DELETE FROM saga_processed_events
            WHERE (consumer, event_id) IN (
              SELECT consumer, event_id FROM saga_processed_events WHERE processed_at < $1
               ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    values: [olderThan, limit],
  });
  return rowCount ?? 0;
}
