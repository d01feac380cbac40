import type { DomainEvent, EventMetadata } from '@orderflow/contracts';
import { ConcurrencyError } from '@orderflow/platform/errors';
import { aggregateStream, saveSnapshotIfDue, type AggregatedStream, type SnapshotPolicy } from './aggregate-stream.js';
import { idempotencyKeyReused } from './append-input.js';
import type { EventStore } from './event-store.js';

export type CommandOutcome<S, E> = Readonly<{ streamId: string; streamVersion: number; state: S; events: readonly E[] }>;

export type HandleCommandOptions<C, S, E extends DomainEvent> = Readonly<{
  streamId: string;
  streamType: string;
  decide: (command: C, state: S) => E | readonly E[];
  evolve: (state: S, event: E) => S;
  initialState: () => S;
  command: C;
  /** Stamped on every event the command produces. */
  metadata: EventMetadata;
  /** A replay of `key` with the same `requestHash` answers with the stored response. */
  idempotency?: Readonly<{ key: string; requestHash: string }>;
  /** The response stored with the key (JSON); defaults to `{ streamId, streamVersion }`. */
  toResponse?: (outcome: CommandOutcome<S, E>) => unknown;
  snapshot?: SnapshotPolicy<S>;
  /**
   * The stream as the caller already has it: read earlier (before an external call), or
   * the initial state of a stream that cannot exist yet (a fresh UUID). The first attempt
   * decides on it without reading and appends expecting its version, so a stale one is
   * a concurrency conflict like any other and the retry reads afresh.
   */
  current?: AggregatedStream<S>;
  /** Retries after a concurrency conflict; other errors are never retried. Default 3. */
  maxRetries?: number;
  /** A failed snapshot save does not fail a committed command; it is reported here. */
  onSnapshotError?: (error: unknown) => void;
}>;

export type HandledCommand<S, E> =
  | (CommandOutcome<S, E> & Readonly<{ status: 'appended' | 'unchanged'; response: unknown }>)
  | Readonly<{ status: 'duplicate'; streamId: string; streamVersion: number | null; response: unknown }>;

const defaultResponse = ({ streamId, streamVersion }: CommandOutcome<unknown, unknown>) => ({ streamId, streamVersion });

/**
 * The command loop: read and fold the stream, decide, append expecting the version
 * read. Only a concurrency conflict is retried, from a fresh read.
 */
export async function handleCommand<C, S, E extends DomainEvent>(
  store: EventStore,
  options: HandleCommandOptions<C, S, E>,
): Promise<HandledCommand<S, E>> {
  const maxRetries = options.maxRetries ?? 3;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await attemptCommand(store, options, attempt === 0 ? options.current : undefined);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxRetries) throw error;
    }
  }
}

async function attemptCommand<C, S, E extends DomainEvent>(
  store: EventStore,
  options: HandleCommandOptions<C, S, E>,
  known: AggregatedStream<S> | undefined,
): Promise<HandledCommand<S, E>> {
  const { streamId, streamType, evolve, idempotency, snapshot } = options;
  const current = known ?? (await aggregateStream(store, { streamId, evolve, initialState: options.initialState, snapshot }));
  let decided: readonly E[];
  try {
    const result = options.decide(options.command, current.state);
    decided = Array.isArray(result) ? result : [result as E];
  } catch (error) {
    // A replayed command may be refused by the state it produced itself: answer it as a replay.
    const replay = await storedReplay(store, streamId, idempotency);
    if (replay !== null) return replay;
    throw error;
  }
  const toResponse = options.toResponse ?? defaultResponse;
  if (decided.length === 0) {
    const replay = await storedReplay(store, streamId, idempotency);
    if (replay !== null) return replay;
    const outcome = { streamId, streamVersion: current.streamVersion, state: current.state, events: decided };
    return { status: 'unchanged', ...outcome, response: toResponse(outcome) };
  }
  const outcome = {
    streamId,
    streamVersion: current.streamVersion + decided.length,
    state: decided.reduce(evolve, current.state),
    events: decided,
  };
  const response = toResponse(outcome);
  const appended = await store.appendToStream(
    streamId,
    decided.map((event) => ({ type: event.type, data: event.data, metadata: options.metadata })),
    {
      streamType,
      expectedVersion: current.streamVersion,
      ...(idempotency === undefined ? {} : { idempotency: { ...idempotency, response } }),
    },
  );
  if (appended.status === 'duplicate') {
    return { status: 'duplicate', streamId, streamVersion: appended.streamVersion, response: appended.response };
  }
  if (snapshot !== undefined) {
    await saveSnapshotIfDue(store, { ...outcome, snapshotVersion: current.snapshotVersion, snapshot }).catch(
      options.onSnapshotError ?? (() => undefined),
    );
  }
  return { status: 'appended', ...outcome, response };
}

async function storedReplay(
  store: EventStore,
  streamId: string,
  idempotency: Readonly<{ key: string; requestHash: string }> | undefined,
): Promise<HandledCommand<never, never> | null> {
  if (idempotency === undefined) return null;
  const stored = await store.findIdempotentResponse(idempotency.key);
  if (stored === null) return null;
  if (stored.requestHash !== idempotency.requestHash) throw idempotencyKeyReused(idempotency.key);
  return { status: 'duplicate', streamId, streamVersion: stored.streamVersion, response: stored.response };
}
