import type { EventMetadata } from '@orderflow/contracts';
import type pg from 'pg';
import type { BatchCompletion, OutboxEvent } from '../../relay/outbox-event.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

type OutboxRow = {
  outbox_id: string;
  global_position: string;
  stream_id: string;
  stream_type: string | null;
  stream_version: number | null;
  event_id: string | null;
  event_type: string | null;
  schema_version: number | null;
  data: object | null;
  metadata: EventMetadata | null;
  recorded_at: Date | null;
};

function toOutboxEvent(row: OutboxRow): OutboxEvent {
  // an outbox row whose event is gone cannot be published; the relay parks it
  if (row.event_id === null || row.event_type === null || row.stream_type === null) {
    return { outboxId: row.outbox_id, globalPosition: BigInt(row.global_position), streamId: row.stream_id, event: null };
  }
  return {
    outboxId: row.outbox_id,
    globalPosition: BigInt(row.global_position),
    streamId: row.stream_id,
    event: {
      eventId: row.event_id,
      type: row.event_type,
      data: row.data ?? {},
      streamId: row.stream_id,
      streamType: row.stream_type,
      streamVersion: row.stream_version ?? 0,
      globalPosition: BigInt(row.global_position),
      schemaVersion: row.schema_version ?? 1,
      metadata: row.metadata ?? { correlationId: '', causationId: null },
      recordedAt: row.recorded_at ?? new Date(0),
    },
  };
}

// $1 published ids; $2, $3, $4 parked ids, reasons, errors
const PARK_ROWS = `INSERT INTO outbox_parked (outbox_id, global_position, stream_id, partition, created_at, reason, error)
       SELECT o.id, o.global_position, o.stream_id, o.partition, o.created_at, p.reason, p.error
       FROM unnest($2::bigint[], $3::text[], $4::text[]) AS p (id, reason, error)
       JOIN outbox o ON o.id = p.id
       ON CONFLICT (outbox_id) DO NOTHING`;
const DELETE_ROWS = 'DELETE FROM outbox WHERE id = ANY($1::bigint[]) OR id = ANY($2::bigint[])';

const NOTHING_TO_FINISH: BatchCompletion = { publishedIds: [], parked: [] };

/**
 * The oldest rows of each partition (at most `limit` per partition), in outbox order
 * within each. Within a stream outbox ids follow stream versions (appends to a stream
 * serialise on its row until commit). One statement serves every partition a burst woke.
 *
 * `finish` (the earlier batches of some of these partitions) is completed by the same
 * statement, as `completeOutboxBatch` does; the read does not see its own deletes, so it
 * leaves those rows out by id. A failure rolls back both: the rows are still queued and
 * the next read (with the same `finish`) deletes them.
 *
 * Prepared (named) like every statement the relay repeats: it runs hundreds of times a
 * second, and parsing and planning it each time cost more than running it.
 */
export async function selectOutboxBatches(
  db: Queryable,
  partitions: readonly number[],
  limit: number,
  finish: BatchCompletion = NOTHING_TO_FINISH,
): Promise<Map<number, OutboxEvent[]>> {
  const batches = new Map<number, OutboxEvent[]>(partitions.map((p) => [p, []]));
  if (partitions.length === 0) {
    await completeOutboxBatch(db, finish);
    return batches;
  }
  const { parked } = finish;
  const { rows } = await db.query<OutboxRow & { partition: number }>({
    name: 'relay.read_batches',
    text: `WITH parked AS (${PARK_ROWS}), deleted AS (${DELETE_ROWS})
     SELECT b.partition, b.id::text AS outbox_id, b.position::text AS global_position, b.stream_id,
            e.stream_type, e.stream_version, e.event_id::text AS event_id, e.event_type,
            e.schema_version, e.data, e.metadata, e.recorded_at
     FROM unnest($5::int[]) AS p (partition)
     CROSS JOIN LATERAL (
       SELECT o.partition, o.id, o.global_position AS position, o.stream_id
       FROM outbox o
       WHERE o.partition = p.partition AND o.id <> ALL ($1::bigint[]) AND o.id <> ALL ($2::bigint[])
       ORDER BY o.id
       LIMIT $6
     ) AS b
     LEFT JOIN events e ON e.global_position = b.position
     ORDER BY b.partition, b.id`,
    values: [finish.publishedIds, parked.map((p) => p.outboxId), parked.map((p) => p.reason), parked.map((p) => p.error), [...new Set(partitions)], limit],
  });
  for (const row of rows) batches.get(row.partition)?.push(toOutboxEvent(row));
  return batches;
}

/** The oldest rows of one partition, in outbox order (see selectOutboxBatches). */
export async function selectOutboxBatch(db: Queryable, partition: number, limit: number, finish?: BatchCompletion): Promise<OutboxEvent[]> {
  return (await selectOutboxBatches(db, [partition], limit, finish)).get(partition) ?? [];
}

/**
 * Deletes the published rows and moves the parked ones to `outbox_parked`, in one
 * statement: a parked row is never both parked and still queued. Completing a batch
 * again changes nothing.
 */
export async function completeOutboxBatch(db: Queryable, { publishedIds, parked }: BatchCompletion): Promise<number> {
  if (publishedIds.length === 0 && parked.length === 0) return 0;
  const { rowCount } = await db.query({
    name: 'relay.complete_batch',
    text: `WITH parked AS (${PARK_ROWS}) ${DELETE_ROWS}`,
    values: [publishedIds, parked.map((p) => p.outboxId), parked.map((p) => p.reason), parked.map((p) => p.error)],
  });
  return rowCount ?? 0;
}

export type OutboxDepth = Readonly<{ queued: number; parked: number }>;

export async function selectOutboxDepth(db: Queryable): Promise<OutboxDepth> {
  const { rows } = await db.query<{ queued: number; parked: number }>(
    `SELECT (SELECT count(*) FROM outbox)::int AS queued, (SELECT count(*) FROM outbox_parked)::int AS parked`,
  );
  return rows[0] ?? { queued: 0, parked: 0 };
}
