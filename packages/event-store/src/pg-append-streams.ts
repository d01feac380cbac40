import { ConcurrencyError } from '@orderflow/platform/errors';
import { duplicateEventId, type PreparedEvent } from './append-input.js';
import type { ExpectedVersion } from './event-store.js';
import type { Queryable } from './pg-statements.js';

export type PreparedStream = Readonly<{
  streamId: string;
  streamType: string;
  expectedVersion: ExpectedVersion;
  /** SQL encoding of `expectedVersion` (see `expectedVersionParam`). */
  expectedParam: number | null;
  events: readonly PreparedEvent[];
}>;

export type AppendStreamsRow = {
  status: 'appended' | 'duplicate' | 'mismatch';
  stream_id: string | null;
  stream_version: number | null;
  global_positions: string[] | null;
  response: unknown;
};

/** Raised by append_to_streams (migration 0005) for a stale expected version. */
const STREAM_CONFLICT = 'OF409';

/**
 * All streams in one statement, so one round trip and no transaction held open across
 * round trips. Events go stream by stream, in the order of `streams`.
 */
const APPEND_TO_STREAMS = {
  name: 'orderflow.append_to_streams',
  text: `SELECT status, stream_id, stream_version, global_positions::text[] AS global_positions, response
     FROM append_to_streams($1::text[], $2::text[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::int[],
                            $8::jsonb[], $9::jsonb[], $10, $11, $12::jsonb)`,
};

export async function appendToStreamsStatement(
  db: Queryable,
  streams: readonly PreparedStream[],
  idempotency?: Readonly<{ key: string; requestHash: string; response?: unknown }>,
): Promise<AppendStreamsRow[]> {
  const events = streams.flatMap((s) => s.events);
  const { rows } = await db
    .query<AppendStreamsRow>({
      ...APPEND_TO_STREAMS,
      values: [
        streams.map((s) => s.streamId),
        streams.map((s) => s.streamType),
        streams.map((s) => s.expectedParam),
        streams.map((s) => s.events.length),
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        idempotency?.key ?? null,
        idempotency?.requestHash ?? null,
        idempotency?.response === undefined ? null : JSON.stringify(idempotency.response),
      ],
    })
    .catch((error: unknown) => {
      throw typedStreamsError(error, streams);
    });
  return rows;
}

type PgError = { code?: unknown; detail?: unknown; constraint?: unknown };

/**
 * A stale expected version is a ConcurrencyError naming its stream. So is a version
 * collision with a writer that bypassed the streams row: PostgreSQL names the row in the
 * violation's detail.
 */
function typedStreamsError(error: unknown, streams: readonly PreparedStream[]): unknown {
  const e = error as PgError | null;
  const detail = typeof e?.detail === 'string' ? e.detail : '';
  if (e?.code === STREAM_CONFLICT) {
    const { streamId, actualVersion } = JSON.parse(detail) as { streamId: string; actualVersion: number | null };
    const stream = streams.find((s) => s.streamId === streamId);
    return new ConcurrencyError(streamId, stream?.expectedVersion ?? 'any', actualVersion ?? 0);
  }
  if (e?.code === '23505' && e.constraint === 'events_stream_version_key') {
    const stream = streams.find((s) => detail.includes(`=(${s.streamId},`)) ?? streams[0];
    if (stream !== undefined) return new ConcurrencyError(stream.streamId, stream.expectedVersion);
  }
  if (e?.code === '23505' && e.constraint === 'events_event_id_key') return duplicateEventId();
  return error;
}
