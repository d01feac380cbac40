import { createKeyedLanes } from '@orderflow/platform';
import type { AggregatedStream } from '@orderflow/event-store';

/**
 * The streams this process wrote or read last, with their folded state, so that the next
 * command on one decides without reading it (a saga's ConfirmOrder right after its
 * CreateOrder, reservations on a busy product). Only a hint: the append expects the
 * version known here, so a stream written elsewhere since is a concurrency conflict,
 * retried from a fresh read, and a refusal or a no-op decided on a known state is
 * checked against a fresh read before it is answered. Bounded: the oldest entries go first.
 *
 * `exclusive` runs commands on the same streams of this process one after another, so
 * they build on each other's state instead of racing to the same version.
 */
export function createKnownStreams(capacity = 10_000) {
  const streams = new Map<string, AggregatedStream<unknown>>();
  const lanes = createKeyedLanes();

  return {
    get: <S>(streamId: string): AggregatedStream<S> | undefined => streams.get(streamId) as AggregatedStream<S> | undefined,
    /** Keeps the newer of the known and the given version: commands may finish out of order. */
    put<S>(streamId: string, stream: AggregatedStream<S>): void {
      const known = streams.get(streamId);
      if (known && known.streamVersion > stream.streamVersion) return;
      streams.delete(streamId);
      streams.set(streamId, { state: stream.state, streamVersion: stream.streamVersion, snapshotVersion: stream.snapshotVersion });
      if (streams.size > capacity) streams.delete(streams.keys().next().value as string);
    },
    forget(streamId: string): void {
      streams.delete(streamId);
    },
    /** Runs `work` once no other exclusive work of this process holds any of these streams. */
    exclusive: <T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> => lanes.run(streamIds, work),
  };
}

export type KnownStreams = ReturnType<typeof createKnownStreams>;

/** The snapshot version after appending up to `streamVersion`: the store saves one when it is due. */
export const snapshotVersionAfter = (streamVersion: number, before: number | null, every: number | undefined): number | null =>
  every !== undefined && streamVersion - (before ?? 0) >= every ? streamVersion : before;
