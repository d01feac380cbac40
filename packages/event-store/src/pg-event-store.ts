import { ConcurrencyError } from '@orderflow/platform/errors';
import type pg from 'pg';
import {
  checkIdempotency,
  duplicateEventId,
  expectedVersionParam,
  idempotencyKeyReused,
  orderStreams,
  prepareEvents,
  type PreparedEvent,
} from './append-input.js';
import type {
  AppendResult,
  AppendToStreamsResult,
  EventStore,
  ExpectedVersion,
  Idempotency,
  StreamAppend,
} from './event-store.js';
import { START_CHECKPOINT } from './event-store.js';
import {
  appendEvents,
  insertIdempotencyKey,
  selectAll,
  selectIdempotencyKey,
  selectIdempotentReplay,
  selectSnapshot,
  selectStream,
  selectStreamVersion,
  upsertSnapshot,
  type AppendRow,
} from './pg-statements.js';
import { readAllLimit, readStreamRange } from './read-input.js';
import { upcastEvent, type UpcastingOptions } from './upcasters.js';

export type PgEventStoreOptions = UpcastingOptions & Readonly<{ pool: pg.Pool }>;

type PreparedStream = Readonly<{
  streamId: string;
  streamType: string;
  expectedVersion: ExpectedVersion;
  events: PreparedEvent[];
}>;

const violatedConstraint = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && typeof e.constraint === 'string' ? e.constraint : undefined;
};

/** A unique violation from a writer that bypassed the streams row still ends up typed. */
function typedAppendError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  const constraint = violatedConstraint(error);
  if (constraint === 'events_stream_version_key') return new ConcurrencyError(streamId, expected);
  if (constraint === 'events_event_id_key') return duplicateEventId();
  return error;
}

function toAppendResult(row: AppendRow, streamId: string, expected: ExpectedVersion, key: string): AppendResult {
  switch (row.status) {
    case 'appended':
      return {
        status: 'appended',
        streamVersion: row.stream_version ?? 0,
        globalPositions: (row.global_positions ?? []).map((p) => BigInt(p)),
      };
    case 'duplicate':
      return { status: 'duplicate', streamVersion: row.stream_version, response: row.response };
    case 'mismatch':
      throw idempotencyKeyReused(key);
    case 'conflict':
      throw new ConcurrencyError(streamId, expected, row.stream_version ?? 0);
    default: {
      const never: never = row.status;
      throw new Error(`unknown append status ${String(never)}`);
    }
  }
}

export function createPgEventStore(options: PgEventStoreOptions): EventStore {
  const { pool } = options;

  /** Another writer of the same key committed first: answer as a replay of its outcome. */
  async function replayAfterRace(idempotency: Idempotency | undefined, error: unknown): Promise<AppendRow> {
    const raced = error instanceof ConcurrencyError || violatedConstraint(error) === 'idempotency_keys_pkey';
    if (idempotency === undefined || !raced) throw error;
    const replay = await selectIdempotentReplay(pool, idempotency.key, idempotency.requestHash);
    if (replay === null) throw error;
    return replay;
  }

  async function writeStreams(client: pg.PoolClient, streams: readonly PreparedStream[], idempotency?: Idempotency) {
    if (idempotency !== undefined) {
      const replay = await selectIdempotentReplay(client, idempotency.key, idempotency.requestHash);
      if (replay !== null) return replay;
    }
    const written: { streamId: string; streamVersion: number; globalPositions: readonly bigint[] }[] = [];
    for (const stream of streams) {
      const expectedVersion = expectedVersionParam(stream.expectedVersion);
      const row = await appendEvents(client, { ...stream, expectedVersion }, stream.events).catch((error: unknown) => {
        throw typedAppendError(error, stream.streamId, stream.expectedVersion);
      });
      const result = toAppendResult(row, stream.streamId, stream.expectedVersion, '');
      if (result.status === 'appended') {
        written.push({ streamId: stream.streamId, streamVersion: result.streamVersion, globalPositions: result.globalPositions });
      }
    }
    // Taken after the stream locks, in the same order as a single-stream append, so the two cannot deadlock.
    if (idempotency !== undefined) {
      await insertIdempotencyKey(client, idempotency.key, idempotency.requestHash, idempotency.response);
    }
    return written;
  }

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>, commitIf: (result: T) => boolean): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query(commitIf(result) ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  return {
    async appendToStream(streamId, events, { streamType, expectedVersion, idempotency }) {
      const prepared = prepareEvents(events, options);
      const expected = expectedVersionParam(expectedVersion);
      checkIdempotency(idempotency);
      const row = await appendEvents(pool, { streamId, streamType, expectedVersion: expected }, prepared, idempotency).catch(
        (error: unknown) => replayAfterRace(idempotency, typedAppendError(error, streamId, expectedVersion)),
      );
      return toAppendResult(row, streamId, expectedVersion, idempotency?.key ?? '');
    },

    async appendToStreams(streams: readonly StreamAppend[], { idempotency } = {}): Promise<AppendToStreamsResult> {
      checkIdempotency(idempotency);
      const prepared = orderStreams(streams).map((stream) => {
        expectedVersionParam(stream.expectedVersion);
        return { ...stream, events: prepareEvents(stream.events, options) };
      });
      const outcome = await inTransaction(
        (client) => writeStreams(client, prepared, idempotency),
        (result) => Array.isArray(result),
      ).catch((error: unknown) => replayAfterRace(idempotency, error));
      if (Array.isArray(outcome)) return { status: 'appended', streams: outcome };
      if (outcome.status === 'mismatch') throw idempotencyKeyReused(idempotency?.key ?? '');
      return { status: 'duplicate', response: outcome.response };
    },

    async readStream(streamId, readOptions = {}) {
      const { fromVersion, maxCount } = readStreamRange(readOptions);
      const { version, events } = await selectStream(pool, streamId, fromVersion, maxCount);
      // The store is not typed by event; upcasting has brought every event to the current shape.
      return { streamVersion: version, events: events.map((e) => upcastEvent(e, options)) as never };
    },

    async readAll({ fromPosition = START_CHECKPOINT, limit }) {
      const events = await selectAll(pool, fromPosition, readAllLimit(limit));
      return {
        events: events.map((e) => upcastEvent(e, options)),
        checkpoint: events.at(-1)?.checkpoint ?? fromPosition,
      };
    },

    streamVersion: (streamId) => selectStreamVersion(pool, streamId),
    loadSnapshot: (streamId) => selectSnapshot(pool, streamId),
    saveSnapshot: (snapshot) => upsertSnapshot(pool, snapshot),
    findIdempotentResponse: (key) => selectIdempotencyKey(pool, key),
  };
}
