import type { Pool, PoolClient } from '@orderflow/platform';
import type { SagaCommand } from '../../order-saga/order-saga.commands.js';
import type { ActiveOrderSaga } from '../../order-saga/order-saga.types.js';
import type { CommandOutcome } from './saga-writes.js';

/** The dispatcher's side of `saga_commands`. */
export type ClaimedCommand = Readonly<{
  commandId: string;
  sagaId: string;
  command: SagaCommand;
  compensation: boolean;
  /** Attempts made before this one. */
  attempts: number;
  traceparent: string | null;
  tracestate: string | null;
  /** Whether its saga reacts to its success; unknown for a command claimed from the table. */
  awaited?: boolean;
}>;

type ClaimedRow = {
  command_id: string;
  saga_id: string;
  payload: SagaCommand;
  compensation: boolean;
  attempts: number;
  traceparent: string | null;
  tracestate: string | null;
};

/**
 * Claims due commands by pushing their next attempt past a lease: no other dispatcher
 * takes them while the call runs, and if this process dies they fall due again when the
 * lease ends. SKIP LOCKED lets several dispatchers claim side by side.
 *
 * A forward command its saga no longer waits for (the step ended by deadline or by an
 * answer that beat the dispatcher's bookkeeping) is withdrawn here rather than when the
 * saga moved on: until it is due again it may still be in flight, and its answer must be
 * recorded, not lost. Compensations are never withdrawn.
 */
export async function claimDueCommands(pool: Pool, now: Date, limit: number, leaseMs: number): Promise<ClaimedCommand[]> {
  const { rows } = await pool.query<ClaimedRow>({
    name: 'saga.claim_commands',
    text: `WITH due AS (
       SELECT c.command_id, (c.compensation OR s.data->>'commandId' = c.command_id) AS wanted
         FROM saga_commands c JOIN saga_instances s ON s.saga_id = c.saga_id
        WHERE c.status = 'PENDING' AND c.next_attempt_at <= $1
        ORDER BY c.next_attempt_at
        LIMIT $2
        FOR UPDATE OF c SKIP LOCKED
     ), withdrawn AS (
       UPDATE saga_commands c SET status = 'CANCELLED'
         FROM due WHERE c.command_id = due.command_id AND NOT due.wanted
     )
     UPDATE saga_commands c
        SET next_attempt_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000)
       FROM due
      WHERE c.command_id = due.command_id AND due.wanted
      RETURNING c.command_id, c.saga_id, c.payload, c.compensation, c.attempts, c.traceparent, c.tracestate`,
    values: [now, limit, leaseMs],
  });
  return rows.map((r) => ({
    commandId: r.command_id,
    sagaId: r.saga_id,
    command: r.payload,
    compensation: r.compensation,
    attempts: r.attempts,
    traceparent: r.traceparent,
    tracestate: r.tracestate,
  }));
}

/** The state of the saga that sent a command still pending, read without a lock; null once it ended. */
export async function readPendingCommand(pool: Pool, commandId: string): Promise<Readonly<{ state: ActiveOrderSaga }> | null> {
  const { rows } = await pool.query<{ data: ActiveOrderSaga }>({
    name: 'saga.read_pending_command',
    text: `SELECT s.data FROM saga_commands c JOIN saga_instances s ON s.saga_id = c.saga_id
      WHERE c.command_id = $1 AND c.status = 'PENDING'`,
    values: [commandId],
  });
  return rows[0] ? { state: rows[0].data } : null;
}

export type CommandEnd = Readonly<{ commandId: string; outcome: CommandOutcome }>;

/** Ends a command still pending; false when it was ended already. */
export async function finishCommand(client: Pool | PoolClient, commandId: string, outcome: CommandOutcome): Promise<boolean> {
  const [ended] = await finishCommands(client, [{ commandId, outcome }]);
  return ended === true;
}

/**
 * Ends several pending commands in one statement (one round trip, one commit), answering
 * per command, in order, whether it was still pending. A command named twice is ended by
 * its first entry; the later ones find it ended.
 */
export async function finishCommands(client: Pool | PoolClient, ends: readonly CommandEnd[]): Promise<boolean[]> {
  const first = new Map<string, CommandEnd>();
  for (const end of ends) if (!first.has(end.commandId)) first.set(end.commandId, end);
  const unique = [...first.values()];
  const { rows } = await client.query<{ command_id: string }>({
    name: 'saga.finish_commands',
    text: `UPDATE saga_commands c
        SET status = t.status, attempts = t.attempts, last_error = t.error, sent_at = CASE WHEN t.status = 'SENT' THEN now() END
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS t (command_id, status, attempts, error)
      WHERE c.command_id = t.command_id AND c.status = 'PENDING'
      RETURNING c.command_id`,
    values: [unique.map((e) => e.commandId), unique.map((e) => e.outcome.status), unique.map((e) => e.outcome.attempts), unique.map((e) => e.outcome.error)],
  });
  const ended = new Set(rows.map((r) => r.command_id));
  return ends.map((end) => first.get(end.commandId) === end && ended.has(end.commandId));
}

/**
 * Records a transient failure on the command and, for operators, on its saga, and sets
 * the next attempt. One statement; the saga row is only touched while this command is
 * the one it waits for.
 */
export async function scheduleRetry(
  pool: Pool,
  commandId: string,
  retry: Readonly<{ attempts: number; error: string; at: Date; delayMs: number }>,
): Promise<void> {
  await pool.query(
    `WITH cmd AS (
       UPDATE saga_commands
          SET attempts = $2, last_error = $3, next_attempt_at = $4::timestamptz + make_interval(secs => $5::double precision / 1000)
        WHERE command_id = $1 AND status = 'PENDING'
        RETURNING saga_id
     )
     UPDATE saga_instances s
        SET attempts = $2, last_error = $3, last_error_at = $4
       FROM cmd
      WHERE s.saga_id = cmd.saga_id AND s.data->>'commandId' = $1`,
    [commandId, retry.attempts, retry.error, retry.at, retry.delayMs],
  );
}

/**
 * At start-up: whatever was pending when an orchestrator stopped is due now. A command
 * another live instance is sending at this moment may go out twice; the command id makes
 * that harmless.
 */
export async function makePendingDue(pool: Pool, now: Date): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE saga_commands SET next_attempt_at = $1 WHERE status = 'PENDING' AND next_attempt_at > $1`,
    [now],
  );
  return rowCount ?? 0;
}
