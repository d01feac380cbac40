import type { KafkaSource } from '../../envelope.js';
import { streamKeyString, type Queryable, type StreamKey } from './checkpoint.statements.js';
import { statementParams, type StatementParams } from './statement-params.js';

export type ParkedStreamInput = StreamKey & Readonly<{ reason: string; error: string | null; source: KafkaSource | undefined }>;

export type ParkedEventInput = StreamKey & Readonly<{ streamVersion: number | null; source: KafkaSource; error: string | null }>;

export type ParkedStream = StreamKey &
  Readonly<{
    reason: string;
    error: string | null;
    sourceTopic: string | null;
    sourcePartition: number | null;
    sourceOffset: string | null;
    parkedAt: Date;
    parkedEvents: number;
  }>;

export type ParkedEvent = StreamKey & Readonly<{ streamVersion: number | null; source: KafkaSource; error: string | null }>;

export async function selectParkedStreams(db: Queryable, keys: readonly StreamKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await db.query<{ projection: string; stream_id: string }>(
    `SELECT p.projection, p.stream_id FROM projection_parked_streams p
     JOIN unnest($1::text[], $2::text[]) AS k(projection, stream_id) USING (projection, stream_id)`,
    [keys.map((k) => k.projection), keys.map((k) => k.streamId)],
  );
  return new Set(rows.map((r) => streamKeyString({ projection: r.projection, streamId: r.stream_id })));
}

/** The first reason a stream was parked for is the one kept. */
export const insertParkedStreamsSql = (p: StatementParams, streams: readonly ParkedStreamInput[]): string =>
  `INSERT INTO projection_parked_streams (projection, stream_id, reason, error, source_topic, source_partition, source_offset)
   SELECT * FROM unnest(${p.bind(streams.map((s) => s.projection), 'text[]')}, ${p.bind(streams.map((s) => s.streamId), 'text[]')},
     ${p.bind(streams.map((s) => s.reason), 'text[]')}, ${p.bind(streams.map((s) => s.error), 'text[]')},
     ${p.bind(streams.map((s) => s.source?.topic ?? null), 'text[]')}, ${p.bind(streams.map((s) => s.source?.partition ?? null), 'int[]')},
     ${p.bind(streams.map((s) => s.source?.offset ?? null), 'bigint[]')})
   ON CONFLICT (projection, stream_id) DO NOTHING`;

/** A redelivered message is stored once (unique on its topic, partition and offset). */
export const insertParkedEventsSql = (p: StatementParams, events: readonly ParkedEventInput[]): string =>
  `INSERT INTO projection_parked_events
     (projection, stream_id, stream_version, topic, partition, kafka_offset, message_key, message_value, headers, error)
   SELECT * FROM unnest(${p.bind(events.map((e) => e.projection), 'text[]')}, ${p.bind(events.map((e) => e.streamId), 'text[]')},
     ${p.bind(events.map((e) => e.streamVersion), 'int[]')}, ${p.bind(events.map((e) => e.source.topic), 'text[]')},
     ${p.bind(events.map((e) => e.source.partition), 'int[]')}, ${p.bind(events.map((e) => e.source.offset), 'bigint[]')},
     ${p.bind(events.map((e) => e.source.key), 'bytea[]')}, ${p.bind(events.map((e) => e.source.value), 'bytea[]')},
     ${p.bind(events.map((e) => JSON.stringify(e.source.headers)), 'jsonb[]')}, ${p.bind(events.map((e) => e.error), 'text[]')})
   ON CONFLICT (projection, topic, partition, kafka_offset) DO NOTHING`;

/** Parks streams and stores their messages in one statement. */
export async function insertParked(db: Queryable, streams: readonly ParkedStreamInput[], events: readonly ParkedEventInput[]): Promise<void> {
  const p = statementParams();
  const parts = [
    ...(streams.length > 0 ? [`parked_streams AS (${insertParkedStreamsSql(p, streams)})`] : []),
    ...(events.length > 0 ? [`parked_events AS (${insertParkedEventsSql(p, events)})`] : []),
  ];
  if (parts.length > 0) await db.query(`WITH ${parts.join(',\n')} SELECT 1`, p.values);
}

type ParkedStreamRow = {
  projection: string;
  stream_id: string;
  reason: string;
  error: string | null;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: string | null;
  parked_at: Date;
  parked_events: number;
};

export async function listParkedStreams(db: Queryable, opts: { streamId?: string; limit: number }): Promise<ParkedStream[]> {
  const { rows } = await db.query<ParkedStreamRow>(
    `SELECT p.projection, p.stream_id, p.reason, p.error, p.source_topic, p.source_partition,
            p.source_offset::text AS source_offset, p.parked_at,
            (SELECT count(*)::int FROM projection_parked_events e
              WHERE e.projection = p.projection AND e.stream_id = p.stream_id) AS parked_events
     FROM projection_parked_streams p
     WHERE $1::text IS NULL OR p.stream_id = $1
     ORDER BY p.parked_at, p.projection, p.stream_id
     LIMIT $2`,
    [opts.streamId ?? null, opts.limit],
  );
  return rows.map((r) => ({
    projection: r.projection,
    streamId: r.stream_id,
    reason: r.reason,
    error: r.error,
    sourceTopic: r.source_topic,
    sourcePartition: r.source_partition,
    sourceOffset: r.source_offset,
    parkedAt: r.parked_at,
    parkedEvents: r.parked_events,
  }));
}

export async function countParkedStreams(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM projection_parked_streams');
  return rows[0]?.n ?? 0;
}

type ParkedEventRow = {
  stream_version: number | null;
  topic: string;
  partition: number;
  kafka_offset: string;
  message_key: Buffer | null;
  message_value: Buffer | null;
  headers: Record<string, string>;
  error: string | null;
};

/** In stream order; messages without a version (no header) last, by offset. */
export async function selectParkedEvents(db: Queryable, key: StreamKey): Promise<ParkedEvent[]> {
  const { rows } = await db.query<ParkedEventRow>(
    `SELECT stream_version, topic, partition, kafka_offset::text AS kafka_offset, message_key, message_value, headers, error
     FROM projection_parked_events WHERE projection = $1 AND stream_id = $2
     ORDER BY stream_version NULLS LAST, kafka_offset`,
    [key.projection, key.streamId],
  );
  return rows.map((r) => ({
    ...key,
    streamVersion: r.stream_version,
    error: r.error,
    source: { topic: r.topic, partition: r.partition, offset: r.kafka_offset, key: r.message_key, value: r.message_value, headers: r.headers },
  }));
}

export async function deleteParkedStream(db: Queryable, key: StreamKey): Promise<void> {
  await db.query('DELETE FROM projection_parked_events WHERE projection = $1 AND stream_id = $2', [key.projection, key.streamId]);
  await db.query('DELETE FROM projection_parked_streams WHERE projection = $1 AND stream_id = $2', [key.projection, key.streamId]);
}
