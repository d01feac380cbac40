import type { IdempotencyRecord, LoadedStream, LoadStreamOptions, Snapshot } from './event-store.js';
import { toRecordedEvent, type EventRow, type Queryable } from './pg-statements.js';

type LoadRow = Partial<EventRow> & {
  current_version: number | null;
  snapshot_version: number | null;
  snapshot_key: string | null;
  snapshot_state: unknown;
  key_request_hash: string | null;
  key_response: unknown;
  key_stream_id: string | null;
  key_stream_version: number | null;
  key_created_at: Date | null;
};

/**
 * One statement, so one snapshot of the database: the stream's version, the snapshot
 * under the given key, the events after it and the idempotency key agree with each other.
 * There is always at least one row (null event columns when no event follows); the
 * snapshot state and the stored response, the large columns, travel on the first row only.
 */
const LOAD_STREAM = {
  name: 'orderflow.load_stream',
  text: `SELECT s.version AS current_version,
       sn.stream_version AS snapshot_version, sn.snapshot_key,
       CASE WHEN coalesce(e.n, 1) = 1 THEN sn.state END AS snapshot_state,
       k.request_hash AS key_request_hash,
       CASE WHEN coalesce(e.n, 1) = 1 THEN k.response END AS key_response,
       k.stream_id AS key_stream_id, k.stream_version AS key_stream_version, k.created_at AS key_created_at,
       e.global_position::text AS global_position, e.transaction_id::text AS transaction_id,
       e.stream_id, e.stream_type, e.stream_version, e.event_id::text AS event_id, e.event_type,
       e.schema_version, e.data, e.metadata, e.recorded_at
     FROM (VALUES ($1::text, $2::text, $3::text)) AS q (stream_id, snapshot_key, idempotency_key)
     LEFT JOIN streams s ON s.stream_id = q.stream_id
     LEFT JOIN snapshots sn ON sn.stream_id = q.stream_id AND sn.snapshot_key = q.snapshot_key
     LEFT JOIN idempotency_keys k ON k.key = q.idempotency_key
     LEFT JOIN LATERAL (
       SELECT ev.*, row_number() OVER (ORDER BY ev.stream_version) AS n
       FROM events ev
       WHERE ev.stream_id = q.stream_id AND ev.stream_version > coalesce(sn.stream_version, 0)
     ) e ON true
     ORDER BY e.stream_version`,
};

function snapshotOf(streamId: string, head: LoadRow): Snapshot | null {
  if (head.snapshot_version === null || head.snapshot_key === null) return null;
  return { streamId, streamVersion: head.snapshot_version, snapshotKey: head.snapshot_key, state: head.snapshot_state };
}

function idempotencyOf(key: string | undefined, head: LoadRow): IdempotencyRecord | null {
  if (key === undefined || head.key_request_hash === null || head.key_created_at === null) return null;
  return {
    key,
    requestHash: head.key_request_hash,
    response: head.key_response,
    streamId: head.key_stream_id,
    streamVersion: head.key_stream_version,
    createdAt: head.key_created_at,
  };
}

/** Events come back as stored; the caller upcasts them. */
export async function selectLoadStream(db: Queryable, streamId: string, options: LoadStreamOptions): Promise<LoadedStream> {
  const { rows } = await db.query<LoadRow>({
    ...LOAD_STREAM,
    values: [streamId, options.snapshotKey ?? null, options.idempotencyKey ?? null],
  });
  const head = rows[0];
  if (head === undefined) throw new Error('load_stream returned no row');
  const events = rows.filter((row) => row.global_position != null).map((row) => toRecordedEvent(row as EventRow));
  const snapshot = snapshotOf(streamId, head);
  const streamVersion = head.current_version ?? events.at(-1)?.streamVersion ?? snapshot?.streamVersion ?? 0;
  return { events, streamVersion, snapshot, idempotency: idempotencyOf(options.idempotencyKey, head) };
}
