import type { DomainEvent, RecordedEvent } from '@orderflow/contracts';
import type { EventStore, IdempotencyRecord } from './event-store.js';

/** How a state travels through jsonb; identity by default, so the state must be plain JSON then. */
export type SnapshotCodec<S> = Readonly<{ encode: (state: S) => unknown; decode: (json: unknown) => S }>;

/**
 * `key` changes whenever `evolve` or the state's shape changes (a hash of the evolve
 * code or a schema version): a snapshot with another key is ignored, never trusted.
 */
export type SnapshotPolicy<S> = Readonly<{ key: string; every: number; codec?: SnapshotCodec<S> }>;

export type AggregateStreamOptions<S, E extends DomainEvent> = Readonly<{
  streamId: string;
  evolve: (state: S, event: RecordedEvent<E>) => S;
  initialState: () => S;
  snapshot?: SnapshotPolicy<S>;
  /** Read this key's stored outcome too, in the same round trip (a replay check before an external call). */
  idempotencyKey?: string;
}>;

export type AggregatedStream<S> = Readonly<{
  state: S;
  streamVersion: number;
  /** Version of the snapshot the fold started from; null when replayed from the start. */
  snapshotVersion: number | null;
  /** The record of `idempotencyKey` when one was asked for and exists. */
  idempotency?: IdempotencyRecord | null;
}>;

const identity = <S>(): SnapshotCodec<S> => ({ encode: (state) => state, decode: (json) => json as S });

/** Folds the stream onto its matching snapshot, if any; snapshot and events come in one read. */
export async function aggregateStream<S, E extends DomainEvent>(
  store: EventStore,
  { streamId, evolve, initialState, snapshot, idempotencyKey }: AggregateStreamOptions<S, E>,
): Promise<AggregatedStream<S>> {
  const codec: SnapshotCodec<S> = snapshot?.codec ?? identity<S>();
  const loaded = await store.loadStream<E>(streamId, {
    ...(snapshot === undefined ? {} : { snapshotKey: snapshot.key }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });
  const usable = loaded.snapshot;
  const start = usable === null ? initialState() : codec.decode(usable.state);
  const state = loaded.events.reduce(evolve, start);
  // the version the state reflects, which is what an append must expect
  const streamVersion = loaded.events.at(-1)?.streamVersion ?? usable?.streamVersion ?? 0;
  return {
    state,
    streamVersion,
    snapshotVersion: usable?.streamVersion ?? null,
    ...(idempotencyKey === undefined ? {} : { idempotency: loaded.idempotency }),
  };
}

export type SaveSnapshotOptions<S> = Readonly<{
  streamId: string;
  state: S;
  streamVersion: number;
  /** The version of the snapshot in use (null: none), from `aggregateStream`. */
  snapshotVersion: number | null;
  snapshot: SnapshotPolicy<S>;
}>;

/**
 * Saves a snapshot once `every` events have been written since the last one. Call it
 * after the append committed: a snapshot is a cache of the stream, never its truth.
 */
export async function saveSnapshotIfDue<S>(
  store: EventStore,
  { streamId, state, streamVersion, snapshotVersion, snapshot }: SaveSnapshotOptions<S>,
): Promise<boolean> {
  if (streamVersion - (snapshotVersion ?? 0) < snapshot.every) return false;
  const codec: SnapshotCodec<S> = snapshot.codec ?? identity<S>();
  await store.saveSnapshot({ streamId, streamVersion, snapshotKey: snapshot.key, state: codec.encode(state) });
  return true;
}
