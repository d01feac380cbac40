import pg from 'pg';
import { STREAM_TYPE, type AppendInput } from './append-input.js';

/**
 * Without options: the rows the issue names (event, outbox, idempotency key). With both:
 * every write `append_events` makes, also the streams row and the NOTIFY, so the gap
 * between the variants splits the store's cost into design and implementation.
 */
export type RawVariant = Readonly<{ streamsRow: boolean; notify: boolean }>;

const lit = pg.escapeLiteral;

/**
 * The whole transaction as one multi-statement simple query: one round trip, no parse
 * or bind step, values inlined as escaped literals (the simple protocol takes no
 * parameters). Nothing is read back, so no client-side work is done on the answer.
 */
export function rawTransactionSql(input: AppendInput, variant: RawVariant): string {
  const stream = lit(input.streamId);
  const statements = [
    'BEGIN',
    ...(variant.streamsRow
      ? [`INSERT INTO streams (stream_id, stream_type, version) VALUES (${stream}, '${STREAM_TYPE}', 1)`]
      : []),
    `WITH e AS (
       INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
       VALUES (${stream}, '${STREAM_TYPE}', 1, ${lit(input.eventId)}, ${lit(input.eventType)}, 1,
               ${lit(JSON.stringify(input.data))}, ${lit(JSON.stringify(input.metadata))})
       RETURNING global_position)
     INSERT INTO outbox (global_position, stream_id) SELECT global_position, ${stream} FROM e`,
    `INSERT INTO idempotency_keys (key, request_hash, response, stream_id, stream_version)
     VALUES (${lit(input.idempotencyKey)}, ${lit(input.requestHash)}, ${lit(JSON.stringify(input.response))}, ${stream}, 1)`,
    ...(variant.notify ? [`SELECT pg_notify('outbox', outbox_partition(${stream})::text)`] : []),
    'COMMIT',
  ];
  return `${statements.join(';\n')};`;
}

export function rawSqlAppender(pool: pg.Pool, variant: RawVariant): (input: AppendInput) => Promise<void> {
  return async (input) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(rawTransactionSql(input, variant));
    } catch (error) {
      // a failed statement leaves the explicit transaction open and aborted
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };
}
