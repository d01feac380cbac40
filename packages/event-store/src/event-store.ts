import type { DomainEvent, EventMetadata, RecordedEvent } from '@orderflow/contracts';

/**
 * LISTEN channel on which the store announces appends after they commit; the payload is
 * one outbox partition number (several partitions: several notifications).
 */
export const OUTBOX_CHANNEL = 'outbox';

/** Fixed in migration 0001 (`outbox_partition`); the relay owns one lock per partition. */
export const OUTBOX_PARTITIONS = 16;

/**
 * An exact version (0 means the stream must not exist yet), `'no_stream'`, or `'any'`
 * to skip the check. Stream versions count events: the first event is version 1.
 */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** An event to append. The store fills in a random `eventId` and the current schema version. */
export type NewEvent = Readonly<{
  eventId?: string;
  type: string;
  data: object;
  schemaVersion?: number;
  metadata: EventMetadata;
}>;

/**
 * Stored with the events in the same transaction. `response` must be known before the
 * append (JSON); a replay of the key with the same `requestHash` returns it.
 */
export type Idempotency = Readonly<{ key: string; requestHash: string; response?: unknown }>;

export type AppendToStreamOptions = Readonly<{
  streamType: string;
  expectedVersion: ExpectedVersion;
  idempotency?: Idempotency;
}>;

/**
 * A stale expected version throws ConcurrencyError; a known key with another request
 * hash throws IDEMPOTENCY_KEY_REUSED (422). A replay is not an error: it is `duplicate`.
 */
export type AppendResult =
  | Readonly<{ status: 'appended'; streamVersion: number; globalPositions: readonly bigint[] }>
  | Readonly<{ status: 'duplicate'; streamVersion: number | null; response: unknown }>;

export type StreamAppend = Readonly<{
  streamId: string;
  streamType: string;
  expectedVersion: ExpectedVersion;
  events: readonly NewEvent[];
}>;

export type AppendToStreamsResult =
  | Readonly<{
      status: 'appended';
      streams: readonly Readonly<{ streamId: string; streamVersion: number; globalPositions: readonly bigint[] }>[];
    }>
  | Readonly<{ status: 'duplicate'; response: unknown }>;

export type ReadStreamOptions = Readonly<{ fromVersion?: number; maxCount?: number }>;

/** `streamVersion` is the stream's current version (0: no such stream), whatever was read. */
export type ReadStreamResult<E extends DomainEvent = DomainEvent> = Readonly<{
  events: readonly RecordedEvent<E>[];
  streamVersion: number;
}>;

/**
 * A position in the global log in commit-safe order. Resume `readAll` from the
 * checkpoint of the last event handled.
 */
export type GlobalCheckpoint = Readonly<{ transactionId: bigint; globalPosition: bigint }>;

export const START_CHECKPOINT: GlobalCheckpoint = Object.freeze({ transactionId: 0n, globalPosition: 0n });

export type ReadAllOptions = Readonly<{ fromPosition?: GlobalCheckpoint; limit: number }>;

export type ReadAllEvent = RecordedEvent & Readonly<{ checkpoint: GlobalCheckpoint }>;

/** `checkpoint` is that of the last event returned, or `fromPosition` when none was. */
export type ReadAllResult = Readonly<{ events: readonly ReadAllEvent[]; checkpoint: GlobalCheckpoint }>;

export type Snapshot = Readonly<{ streamId: string; streamVersion: number; snapshotKey: string; state: unknown }>;

export type IdempotencyRecord = Readonly<{
  key: string;
  requestHash: string;
  response: unknown;
  streamId: string | null;
  streamVersion: number | null;
  createdAt: Date;
}>;

export type LoadStreamOptions = Readonly<{
  /** Start after the stream's snapshot if it was saved under this key; any other is ignored. */
  snapshotKey?: string;
  /** Also look up this idempotency key. */
  idempotencyKey?: string;
}>;

/**
 * One consistent read: `events` are those after `snapshot` (all of them without one),
 * `streamVersion` the stream's current version, `idempotency` the key's record if asked.
 */
export type LoadedStream<E extends DomainEvent = DomainEvent> = ReadStreamResult<E> &
  Readonly<{ snapshot: Snapshot | null; idempotency: IdempotencyRecord | null }>;

/** The event store port; `pg-event-store.ts` and `memory-event-store.ts` implement it. */
export type EventStore = {
  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendToStreamOptions): Promise<AppendResult>;
  /** All streams or none, under one idempotency key. */
  appendToStreams(
    streams: readonly StreamAppend[],
    options?: Readonly<{ idempotency?: Idempotency }>,
  ): Promise<AppendToStreamsResult>;
  readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<ReadStreamResult<E>>;
  /** What a command handler reads before it decides, in one round trip. */
  loadStream<E extends DomainEvent = DomainEvent>(streamId: string, options?: LoadStreamOptions): Promise<LoadedStream<E>>;
  /** Only events of committed transactions older than every running one: never skips a late commit. */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** 0 when the stream does not exist. */
  streamVersion(streamId: string): Promise<number>;
  loadSnapshot(streamId: string): Promise<Snapshot | null>;
  /** Keeps the newer snapshot of a stream unless the key changed. */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  findIdempotentResponse(key: string): Promise<IdempotencyRecord | null>;
};
