import type { EventMetadata, RecordedEvent } from '@orderflow/contracts';
import type pg from 'pg';
import type { PreparedEvent } from './append-input.js';
import type { GlobalCheckpoint, IdempotencyRecord, ReadAllEvent, Snapshot } from './event-store.js';

/** A pool or a checked-out client: statements run wherever the caller owns the transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export type AppendRow = {
  status: 'appended' | 'conflict' | 'duplicate' | 'mismatch';
  stream_version: number | null;
  global_positions: string[] | null;
  response: unknown;
};

export type EventRow = {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: object;
  metadata: EventMetadata;
  recorded_at: Date;
};

const EVENT_COLUMNS = `e.global_position::text AS global_position, e.transaction_id::text AS transaction_id,
  e.stream_id, e.stream_type, e.stream_version, e.event_id::text AS event_id, e.event_type,
  e.schema_version, e.data, e.metadata, e.recorded_at`;

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    globalPosition: BigInt(row.global_position),
    schemaVersion: row.schema_version,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/**
 * Named, so each connection parses and plans it once: on the hot path the server only
 * binds and runs it.
 */
const APPEND_EVENTS = {
  name: 'orderflow.append_events',
  text: `SELECT status, stream_version, global_positions::text[] AS global_positions, response
     FROM append_events($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[], $9, $10, $11::jsonb)`,
};

export async function appendEvents(
  db: Queryable,
  stream: Readonly<{ streamId: string; streamType: string; expectedVersion: number | null }>,
  events: readonly PreparedEvent[],
  idempotency?: Readonly<{ key: string; requestHash: string; response?: unknown }>,
): Promise<AppendRow> {
  const { rows } = await db.query<AppendRow>({
    ...APPEND_EVENTS,
    values: [
      stream.streamId,
      stream.streamType,
      stream.expectedVersion,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.schemaVersion),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      idempotency?.key ?? null,
      idempotency?.requestHash ?? null,
      json(idempotency?.response),
    ],
  });
  const row = rows[0];
  if (row === undefined) throw new Error('append_events returned no row');
  return row;
}

export async function selectIdempotentReplay(db: Queryable, key: string, requestHash: string): Promise<AppendRow | null> {
  const { rows } = await db.query<AppendRow>(
    'SELECT status, stream_version, NULL::text[] AS global_positions, response FROM idempotent_replay($1, $2)',
    [key, requestHash],
  );
  return rows[0] ?? null;
}

export async function selectIdempotencyKey(db: Queryable, key: string): Promise<IdempotencyRecord | null> {
  const { rows } = await db.query<{
    key: string;
    request_hash: string;
    response: unknown;
    stream_id: string | null;
    stream_version: number | null;
    created_at: Date;
  }>('SELECT key, request_hash, response, stream_id, stream_version, created_at FROM idempotency_keys WHERE key = $1', [key]);
  const row = rows[0];
  if (row === undefined) return null;
  return {
    key: row.key,
    requestHash: row.request_hash,
    response: row.response,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    createdAt: row.created_at,
  };
}

/**
 * The stream's version and its events in one snapshot, so the version always matches
 * the events read (one row with null event columns when nothing is read).
 */
export async function selectStream(
  db: Queryable,
  streamId: string,
  fromVersion: number,
  maxCount: number | null,
): Promise<{ version: number; events: RecordedEvent[] }> {
  const { rows } = await db.query<Partial<EventRow> & { current_version: number | null }>(
    `SELECT s.version AS current_version, ${EVENT_COLUMNS}
     FROM (VALUES ($1::text)) AS q (stream_id)
     LEFT JOIN streams s ON s.stream_id = q.stream_id
     LEFT JOIN LATERAL (
       SELECT * FROM events ev
       WHERE ev.stream_id = q.stream_id AND ev.stream_version >= $2
       ORDER BY ev.stream_version
       LIMIT $3
     ) e ON true
     ORDER BY e.stream_version`,
    [streamId, fromVersion, maxCount],
  );
  const events = rows.filter((row) => row.global_position != null).map((row) => toRecordedEvent(row as EventRow));
  const version = rows[0]?.current_version ?? events.at(-1)?.streamVersion ?? 0;
  return { version, events };
}

/**
 * Commit-safe global read: a transaction with an id at or above the snapshot's xmin
 * may still commit rows at lower positions, so nothing from it (or later) is read yet.
 */
export async function selectAll(db: Queryable, from: GlobalCheckpoint, limit: number): Promise<ReadAllEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS}
     FROM events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.global_position
     LIMIT $3`,
    [from.transactionId.toString(), from.globalPosition.toString(), limit],
  );
  return rows.map((row) => ({
    ...toRecordedEvent(row),
    checkpoint: { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) },
  }));
}

export async function selectStreamVersion(db: Queryable, streamId: string): Promise<number> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [streamId]);
  return rows[0]?.version ?? 0;
}

export async function selectSnapshot(db: Queryable, streamId: string): Promise<Snapshot | null> {
  const { rows } = await db.query<{ stream_id: string; stream_version: number; snapshot_key: string; state: unknown }>(
    'SELECT stream_id, stream_version, snapshot_key, state FROM snapshots WHERE stream_id = $1',
    [streamId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return { streamId: row.stream_id, streamVersion: row.stream_version, snapshotKey: row.snapshot_key, state: row.state };
}

/** A late writer of an older snapshot never replaces a newer one with the same key. */
export async function upsertSnapshot(db: Queryable, snapshot: Snapshot): Promise<void> {
  await db.query(
    `INSERT INTO snapshots AS s (stream_id, stream_version, snapshot_key, state)
     VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (stream_id) DO UPDATE
       SET stream_version = excluded.stream_version, snapshot_key = excluded.snapshot_key,
           state = excluded.state, created_at = now()
       WHERE s.stream_version < excluded.stream_version OR s.snapshot_key <> excluded.snapshot_key`,
    [snapshot.streamId, snapshot.streamVersion, snapshot.snapshotKey, JSON.stringify(snapshot.state)],
  );
}

/**
 * Deletes up to `limit` idempotency keys recorded before `olderThan`, oldest first (the
 * created_at index makes it a range scan). Rows another session is deleting are skipped,
 * so concurrent pruners share the work. Returns how many were deleted.
 */
export async function deleteIdempotencyKeysBefore(db: Queryable, olderThan: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM idempotency_keys
     WHERE key IN (SELECT key FROM idempotency_keys WHERE created_at < $1
                   ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [olderThan, limit],
  );
  return rowCount ?? 0;
}
