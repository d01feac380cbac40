import type { Pool } from '@orderflow/platform';
import type { ActiveOrderSaga, SagaStatus } from '../../order-saga/order-saga.types.js';

/** Read side of the saga tables, for operators. */
export type SagaSummary = Readonly<{
  sagaId: string;
  sagaType: string;
  orderId: string;
  status: SagaStatus;
  currentStep: string | null;
  correlationId: string;
  deadline: Readonly<{ step: string | null; at: string }> | null;
  lastError: string | null;
  lastErrorAt: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}>;

export type SagaFilter = Readonly<{ status?: SagaStatus; orderId?: string; stuckForSeconds?: number; limit: number }>;

type SummaryRow = {
  saga_id: string;
  saga_type: string;
  order_id: string;
  status: SagaStatus;
  current_step: string | null;
  correlation_id: string;
  next_deadline: Date | null;
  deadline_step: string | null;
  last_error: string | null;
  last_error_at: Date | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
};

const summaryColumns = `saga_id, saga_type, order_id, status, current_step, correlation_id, next_deadline, deadline_step,
  last_error, last_error_at, attempts, created_at, updated_at`;

const toSummary = (r: SummaryRow): SagaSummary => ({
  sagaId: r.saga_id,
  sagaType: r.saga_type,
  orderId: r.order_id,
  status: r.status,
  currentStep: r.current_step,
  correlationId: r.correlation_id,
  deadline: r.next_deadline ? { step: r.deadline_step, at: r.next_deadline.toISOString() } : null,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at?.toISOString() ?? null,
  attempts: r.attempts,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * "Stuck for N seconds": running or compensating, with no change of state for N seconds
 * (retries do not count as change). Stuck sagas come oldest first, the others newest first.
 */
export async function listSagas(pool: Pool, filter: SagaFilter): Promise<SagaSummary[]> {
  const stuck = filter.stuckForSeconds !== undefined;
  const { rows } = await pool.query<SummaryRow>(
    `SELECT ${summaryColumns} FROM saga_instances
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR order_id = $2)
        AND ($3::double precision IS NULL
             OR (status IN ('RUNNING', 'COMPENSATING') AND updated_at <= now() - make_interval(secs => $3)))
      ORDER BY ${stuck ? 'updated_at ASC' : 'created_at DESC'}
      LIMIT $4`,
    [filter.status ?? null, filter.orderId ?? null, filter.stuckForSeconds ?? null, filter.limit],
  );
  return rows.map(toSummary);
}

export async function countStuckSagas(pool: Pool, stuckAfterMs: number): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM saga_instances
      WHERE status IN ('RUNNING', 'COMPENSATING') AND updated_at <= now() - make_interval(secs => $1::double precision / 1000)`,
    [stuckAfterMs],
  );
  return Number(rows[0]?.n ?? 0);
}

export type SagaDetail = SagaSummary &
  Readonly<{
    paymentId: string;
    shipmentId: string;
    failure: ActiveOrderSaga['failure'];
    completedSteps: readonly string[];
    compensationLog: ActiveOrderSaga['compensationLog'];
    steps: readonly Readonly<{ seq: number; type: string; step: string | null; at: string; data: unknown }>[];
    commands: readonly Readonly<{
      commandId: string;
      type: string;
      step: string;
      compensation: boolean;
      status: string;
      attempts: number;
      lastError: string | null;
      nextAttemptAt: string;
      sentAt: string | null;
    }>[];
  }>;

export async function getSaga(pool: Pool, sagaId: string): Promise<SagaDetail | null> {
  const [saga, steps, commands] = await Promise.all([
    pool.query<SummaryRow & { data: ActiveOrderSaga }>(`SELECT ${summaryColumns}, data FROM saga_instances WHERE saga_id = $1`, [sagaId]),
    pool.query<{ seq: number; event_type: string; step: string | null; occurred_at: Date; data: unknown }>(
      'SELECT seq, event_type, step, occurred_at, data FROM saga_steps WHERE saga_id = $1 ORDER BY seq',
      [sagaId],
    ),
    pool.query<{
      command_id: string;
      command_type: string;
      step: string;
      compensation: boolean;
      status: string;
      attempts: number;
      last_error: string | null;
      next_attempt_at: Date;
      sent_at: Date | null;
    }>(
      `SELECT command_id, command_type, step, compensation, status, attempts, last_error, next_attempt_at, sent_at
         FROM saga_commands WHERE saga_id = $1 ORDER BY created_at, command_id`,
      [sagaId],
    ),
  ]);
  const row = saga.rows[0];
  if (!row) return null;
  return {
    ...toSummary(row),
    paymentId: row.data.paymentId,
    shipmentId: row.data.shipmentId,
    failure: row.data.failure,
    completedSteps: row.data.completed,
    compensationLog: row.data.compensationLog,
    steps: steps.rows.map((s) => ({ seq: s.seq, type: s.event_type, step: s.step, at: s.occurred_at.toISOString(), data: s.data })),
    commands: commands.rows.map((c) => ({
      commandId: c.command_id,
      type: c.command_type,
      step: c.step,
      compensation: c.compensation,
      status: c.status,
      attempts: c.attempts,
      lastError: c.last_error,
      nextAttemptAt: c.next_attempt_at.toISOString(),
      sentAt: c.sent_at?.toISOString() ?? null,
    })),
  };
}

export async function countActiveSagas(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM saga_instances WHERE status IN ('RUNNING', 'COMPENSATING')`);
  return Number(rows[0]?.n ?? 0);
}
