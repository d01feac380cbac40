import { createGroupCommitter, type GroupCommitOptions } from '@orderflow/platform';
import { ConcurrencyError } from '@orderflow/platform/errors';
import type pg from 'pg';
import {
  checkIdempotency,
  duplicateEventId,
  expectedVersionParam,
  idempotencyKeyReused,
  orderStreams,
  prepareEvents,
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
import type { OutboxNotifier } from './outbox-notifier.js';
import { outboxPartitionOf } from './outbox-partition.js';
import { createPgOutboxNotifier } from './pg-outbox-notifier.js';
import { selectLoadStream } from './pg-load-stream.js';
import { appendToStreamsStatement } from './pg-append-streams.js';
import { groupWriter, type BatchedAppend } from './pg-append-batch.js';
import {
  appendEvents,
  deleteIdempotencyKeysBefore,
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

/**
 * One slot: under load every append of the process rides in the next group, which keeps
 * groups large (8 writers, append_batch looping over append_events: PostgreSQL CPU per
 * append 130 us with one slot, 215 us with two, 270 us without grouping). The price is
 * that a group waiting on a row lock (a writer of the same stream in another process)
 * holds up the next one.
 */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxConcurrent: 1, maxBatch: 64 };

export type PgEventStoreOptions = UpcastingOptions &
  Readonly<{
    pool: pg.Pool;
    /**
     * Announces committed appends on OUTBOX_CHANNEL. Default: a coalescing notifier on a
     * connection of its own, opened with the pool's settings at the first append.
     * `null`: no announcements, relays find new rows by polling.
     */
    notifier?: OutboxNotifier | null;
    /** A failed announcement (never a failed append); default: a process warning. */
    onNotifyError?: (error: unknown) => void;
    /**
     * Group commit of concurrent single-stream appends (see group-commit.ts); default
     * DEFAULT_GROUP_COMMIT. `false`: every append is its own statement and transaction.
     */
    groupCommit?: GroupCommitOptions | false;
  }>;

/** `close` ends the store's own notifier connection after its last announcement; the pool stays the caller's. */
export type PgEventStore = EventStore &
  Readonly<{
    close: () => Promise<void>;
    /**
     * Retention: deletes up to `limit` idempotency keys recorded before `olderThan`, oldest
     * first, and returns how many. A retry with a deleted key is a new command.
     */
    pruneIdempotencyKeys: (olderThan: Date, limit: number) => Promise<number>;
  }>;

const warnNotifyFailed = (error: unknown) =>
  process.emitWarning(`outbox announcement failed, relays will poll: ${String(error)}`, 'EventStoreWarning');

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

/** The rows of append_to_streams, or the one row of a replay answered after a race. */
type StreamsOutcomeRow = Pick<AppendRow, 'stream_version' | 'global_positions' | 'response'> &
  Readonly<{ status: AppendRow['status']; stream_id?: string | null }>;

function toAppendToStreamsResult(rows: readonly StreamsOutcomeRow[], key: string): AppendToStreamsResult {
  const [first] = rows;
  if (first?.status === 'mismatch') throw idempotencyKeyReused(key);
  if (first?.status === 'duplicate') return { status: 'duplicate', response: first.response };
  const streams = rows.map((row) => ({
    streamId: row.stream_id ?? '',
    streamVersion: row.stream_version ?? 0,
    globalPositions: (row.global_positions ?? []).map((p) => BigInt(p)),
  }));
  return { status: 'appended', streams };
}

export function createPgEventStore(options: PgEventStoreOptions): PgEventStore {
  const { pool } = options;
  const notifier =
    options.notifier === undefined ? createPgOutboxNotifier(pool.options, options.onNotifyError ?? warnNotifyFailed) : options.notifier;
  // after the commit only: a relay woken earlier would find nothing and sleep until its poll
  const announce = (streamIds: readonly string[]) => notifier?.appended(streamIds.map(outboxPartitionOf));

  /** Another writer of the same key committed first: answer as a replay of its outcome. */
  async function replayAfterRace(idempotency: Idempotency | undefined, error: unknown): Promise<AppendRow> {
    const raced = error instanceof ConcurrencyError || violatedConstraint(error) === 'idempotency_keys_pkey';
    if (idempotency === undefined || !raced) throw error;
    const replay = await selectIdempotentReplay(pool, idempotency.key, idempotency.requestHash);
    if (replay === null) throw error;
    return replay;
  }

  /** One append as its own statement, with every error typed and a lost key race replayed. */
  const appendAlone = (append: BatchedAppend, expectedVersion: ExpectedVersion): Promise<AppendRow> =>
    appendEvents(pool, append, append.events, append.idempotency).catch((error: unknown) =>
      replayAfterRace(append.idempotency, typedAppendError(error, append.streamId, expectedVersion)),
    );

  type Submitted = BatchedAppend & Readonly<{ expected: ExpectedVersion }>;
  const groupCommit = options.groupCommit ?? DEFAULT_GROUP_COMMIT;
  const committer =
    groupCommit === false
      ? null
      : createGroupCommitter<Submitted, AppendRow>(
          groupWriter<Submitted>(pool, (append) => appendAlone(append, append.expected)),
          groupCommit,
        );

  return {
    async appendToStream(streamId, events, { streamType, expectedVersion, idempotency }) {
      const prepared = prepareEvents(events, options);
      const expected = expectedVersionParam(expectedVersion);
      checkIdempotency(idempotency);
      const append: Submitted = {
        streamId,
        streamType,
        expectedVersion: expected,
        events: prepared,
        ...(idempotency === undefined ? {} : { idempotency }),
        expected: expectedVersion,
      };
      const row = await (committer === null ? appendAlone(append, expectedVersion) : committer.submit(append));
      const result = toAppendResult(row, streamId, expectedVersion, idempotency?.key ?? '');
      if (result.status === 'appended') announce([streamId]);
      return result;
    },

    async appendToStreams(streams: readonly StreamAppend[], { idempotency } = {}): Promise<AppendToStreamsResult> {
      checkIdempotency(idempotency);
      const prepared = orderStreams(streams).map((stream) => ({
        ...stream,
        expectedParam: expectedVersionParam(stream.expectedVersion),
        events: prepareEvents(stream.events, options),
      }));
      const rows: readonly StreamsOutcomeRow[] = await appendToStreamsStatement(pool, prepared, idempotency).catch(
        async (error: unknown) => [await replayAfterRace(idempotency, error)],
      );
      const result = toAppendToStreamsResult(rows, idempotency?.key ?? '');
      if (result.status === 'appended') announce(result.streams.map((s) => s.streamId));
      return result;
    },

    async readStream(streamId, readOptions = {}) {
      const { fromVersion, maxCount } = readStreamRange(readOptions);
      const { version, events } = await selectStream(pool, streamId, fromVersion, maxCount);
      // The store is not typed by event; upcasting has brought every event to the current shape.
      return { streamVersion: version, events: events.map((e) => upcastEvent(e, options)) as never };
    },

    async loadStream(streamId, loadOptions = {}) {
      const loaded = await selectLoadStream(pool, streamId, loadOptions);
      return { ...loaded, events: loaded.events.map((e) => upcastEvent(e, options)) as never };
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
    close: async () => notifier?.close(),
    pruneIdempotencyKeys: (olderThan, limit) => {
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`prune limit must be a positive integer, got ${limit}`);
      return deleteIdempotencyKeysBefore(pool, olderThan, limit);
    },
  };
}
