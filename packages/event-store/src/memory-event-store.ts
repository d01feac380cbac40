import type { RecordedEvent } from '@orderflow/contracts';
import { ConcurrencyError } from '@orderflow/platform/errors';
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
  EventStore,
  ExpectedVersion,
  Idempotency,
  IdempotencyRecord,
  ReadAllEvent,
  Snapshot,
} from './event-store.js';
import { START_CHECKPOINT } from './event-store.js';
import { readAllLimit, readStreamRange } from './read-input.js';
import { upcastEvent, type UpcastingOptions } from './upcasters.js';

/** What jsonb would give back: the memory store must not hand out shapes PostgreSQL cannot. */
const viaJson = <T>(value: T): T => (value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T));

type Pending = Readonly<{ streamId: string; streamType: string; expectedVersion: ExpectedVersion; events: PreparedEvent[] }>;

/**
 * The EventStore port in memory, for unit tests of its users. Every method does its
 * checks and writes without an `await` in between, which is what makes each append
 * atomic here; each append is its own "transaction" in the global order.
 */
export function createMemoryEventStore(options: UpcastingOptions = {}): EventStore {
  const streams = new Map<string, ReadAllEvent[]>();
  const log: ReadAllEvent[] = [];
  const eventIds = new Set<string>();
  const keys = new Map<string, IdempotencyRecord>();
  const snapshots = new Map<string, Snapshot>();
  let transactions = 0n;

  const versionOf = (streamId: string): number => streams.get(streamId)?.length ?? 0;

  function replayOf(idempotency: Idempotency | undefined): IdempotencyRecord | null {
    if (idempotency === undefined) return null;
    const stored = keys.get(idempotency.key);
    if (stored === undefined) return null;
    if (stored.requestHash !== idempotency.requestHash) throw idempotencyKeyReused(idempotency.key);
    return stored;
  }

  function checkStream({ streamId, expectedVersion, events }: Pending): void {
    const actual = versionOf(streamId);
    const expected = expectedVersionParam(expectedVersion);
    if (expected !== null && Math.max(expected, 0) !== actual) throw new ConcurrencyError(streamId, expectedVersion, actual);
    if (events.some((e) => eventIds.has(e.eventId)) || new Set(events.map((e) => e.eventId)).size !== events.length) {
      throw duplicateEventId();
    }
  }

  function write({ streamId, streamType, events }: Pending, transactionId: bigint) {
    const stream = streams.get(streamId) ?? [];
    const recordedAt = new Date();
    const written = events.map((event): ReadAllEvent => {
      const globalPosition = BigInt(log.length + 1);
      const recorded: ReadAllEvent = {
        eventId: event.eventId,
        type: event.type,
        data: viaJson(event.data),
        metadata: viaJson(event.metadata),
        schemaVersion: event.schemaVersion,
        streamId,
        streamType,
        streamVersion: stream.length + 1,
        globalPosition,
        recordedAt,
        checkpoint: { transactionId, globalPosition },
      };
      stream.push(recorded);
      log.push(recorded);
      eventIds.add(event.eventId);
      return recorded;
    });
    streams.set(streamId, stream);
    return { streamId, streamVersion: stream.length, globalPositions: written.map((e) => e.globalPosition) };
  }

  function storeKey(idempotency: Idempotency | undefined, streamId: string | null, streamVersion: number | null): void {
    if (idempotency === undefined) return;
    const { key, requestHash, response } = idempotency;
    keys.set(key, { key, requestHash, response: viaJson(response), streamId, streamVersion, createdAt: new Date() });
  }

  const upcast = <R extends RecordedEvent>(event: R): R => upcastEvent(event, options);

  return {
    async appendToStream(streamId, events, { streamType, expectedVersion, idempotency }): Promise<AppendResult> {
      const pending = { streamId, streamType, expectedVersion, events: prepareEvents(events, options) };
      checkIdempotency(idempotency);
      const replay = replayOf(idempotency);
      if (replay !== null) return { status: 'duplicate', streamVersion: replay.streamVersion, response: replay.response };
      checkStream(pending);
      transactions += 1n;
      const written = write(pending, transactions);
      storeKey(idempotency, streamId, written.streamVersion);
      return { status: 'appended', streamVersion: written.streamVersion, globalPositions: written.globalPositions };
    },

    async appendToStreams(toAppend, { idempotency } = {}) {
      checkIdempotency(idempotency);
      const pending = orderStreams(toAppend).map((s) => ({ ...s, events: prepareEvents(s.events, options) }));
      const replay = replayOf(idempotency);
      if (replay !== null) return { status: 'duplicate', response: replay.response };
      pending.forEach(checkStream);
      const allIds = pending.flatMap((s) => s.events.map((e) => e.eventId));
      if (new Set(allIds).size !== allIds.length) throw duplicateEventId();
      transactions += 1n;
      const written = pending.map((s) => write(s, transactions));
      storeKey(idempotency, null, null);
      return { status: 'appended', streams: written };
    },

    async readStream(streamId, readOptions = {}) {
      const { fromVersion, maxCount } = readStreamRange(readOptions);
      const stream = streams.get(streamId) ?? [];
      const slice = stream.slice(fromVersion - 1, maxCount === null ? undefined : fromVersion - 1 + maxCount);
      const events = slice.map(({ checkpoint: _checkpoint, ...event }): RecordedEvent => upcast(event));
      return { streamVersion: stream.length, events: events as never };
    },

    async loadStream(streamId, { snapshotKey, idempotencyKey } = {}) {
      const stored = snapshotKey === undefined ? undefined : snapshots.get(streamId);
      const snapshot = stored !== undefined && stored.snapshotKey === snapshotKey ? { ...stored, state: viaJson(stored.state) } : null;
      const stream = streams.get(streamId) ?? [];
      const events = stream.slice(snapshot?.streamVersion ?? 0).map(({ checkpoint: _checkpoint, ...event }): RecordedEvent => upcast(event));
      const idempotency = idempotencyKey === undefined ? null : (keys.get(idempotencyKey) ?? null);
      return { streamVersion: stream.length, events: events as never, snapshot, idempotency };
    },

    async readAll({ fromPosition = START_CHECKPOINT, limit }) {
      const after = (e: ReadAllEvent) =>
        e.checkpoint.transactionId > fromPosition.transactionId ||
        (e.checkpoint.transactionId === fromPosition.transactionId && e.globalPosition > fromPosition.globalPosition);
      const events = log.filter(after).slice(0, readAllLimit(limit)).map(upcast);
      return { events, checkpoint: events.at(-1)?.checkpoint ?? fromPosition };
    },

    async streamVersion(streamId) {
      return versionOf(streamId);
    },

    async loadSnapshot(streamId) {
      const snapshot = snapshots.get(streamId);
      return snapshot === undefined ? null : { ...snapshot, state: viaJson(snapshot.state) };
    },

    async saveSnapshot(snapshot) {
      const current = snapshots.get(snapshot.streamId);
      const replaces =
        current === undefined || current.streamVersion < snapshot.streamVersion || current.snapshotKey !== snapshot.snapshotKey;
      if (replaces) {
        snapshots.set(snapshot.streamId, { ...snapshot, state: viaJson(snapshot.state) });
      }
    },

    async findIdempotentResponse(key) {
      return keys.get(key) ?? null;
    },
  };
}
