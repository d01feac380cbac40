import type { DomainEvent } from '@orderflow/contracts';
import { handleCommand, type AggregatedStream, type HandledCommand } from '@orderflow/event-store';
import { ConcurrencyError } from '@orderflow/platform/errors';
import { streamIdOfAggregate, versionedDecider, type AggregateKind, type Versioned } from './aggregates.js';
import { eventMetadataOf, type CommandContext } from './command-context.js';
import { commandResponse, type CommandResponse, type CommandResult } from './command-response.js';
import { retryOnConflict, snapshotPolicy, type CommandRuntime } from './command-runtime.js';
import { snapshotVersionAfter } from './known-streams.js';

export type StreamCommand<S, C, E extends DomainEvent, K extends C> = Readonly<{
  kind: AggregateKind<S, C, E>;
  aggregateId: string;
  command: K;
  /** Fills in what the caller may leave to the current state (the order's currency), before deciding. */
  complete?: (command: K, state: S) => K;
  /**
   * The stream as already read, or `'new'` for a stream named by a fresh UUID: the first
   * attempt decides on it and skips the read. If the stream has moved (or exists after
   * all), the append's version check fails and the command runs again from a fresh read.
   */
  current?: AggregatedStream<Versioned<S>> | 'new';
}>;

const initialStream = <S>(initialState: () => Versioned<S>): AggregatedStream<Versioned<S>> => ({
  state: initialState(),
  streamVersion: 0,
  snapshotVersion: null,
});

/**
 * One command against one stream: read (from a snapshot), fold, decide, append at the
 * version read, with the idempotency key, request hash and response stored in the same
 * transaction. Conflicts are retried from a fresh read.
 */
export async function runStreamCommand<S, C, E extends DomainEvent, K extends C & { type: string }>(
  rt: CommandRuntime,
  target: StreamCommand<S, C, E, K>,
  ctx: CommandContext,
): Promise<CommandResult> {
  const { kind, aggregateId } = target;
  const streamId = streamIdOfAggregate(kind, aggregateId);
  const decider = versionedDecider(kind, streamId, ctx.expectedVersion);
  const snapshot = snapshotPolicy(rt, kind);
  const complete = target.complete ?? ((command: K) => command);
  const attempt = (current?: AggregatedStream<Versioned<S>>) =>
    handleCommand(rt.store, {
      streamId,
      streamType: kind.streamType,
      decide: (command: K, state) => decider.decide(complete(command, state.state), state),
      evolve: decider.evolve,
      initialState: decider.initialState,
      command: target.command,
      metadata: eventMetadataOf(ctx),
      ...(ctx.idempotencyKey === null ? {} : { idempotency: { key: ctx.idempotencyKey, requestHash: ctx.requestHash } }),
      toResponse: ({ streamVersion, events }) =>
        commandResponse(ctx, aggregateId, streamVersion, [
          { streamId, aggregateId, version: streamVersion, events: events.map((e) => e.type) },
        ]),
      ...(snapshot === undefined ? {} : { snapshot }),
      ...(current === undefined ? {} : { current }),
      maxRetries: 0,
      onSnapshotError: rt.onSnapshotError,
    });
  const known = target.current === undefined && ctx.expectedVersion === undefined ? rt.streams?.get<Versioned<S>>(streamId) : undefined;
  const handled = (known && (await fromKnown(rt, streamId, target.command.type, () => attempt(known)))) ??
    (await firstFromCurrent(rt, target, ctx, attempt, decider.initialState));
  if (handled.status !== 'duplicate') {
    const base = known ?? (target.current === 'new' ? undefined : target.current);
    const snapshotVersion = handled.status === 'appended' ? snapshotVersionAfter(handled.streamVersion, base?.snapshotVersion ?? null, snapshot?.every) : (base?.snapshotVersion ?? null);
    rt.streams?.put(streamId, { state: handled.state, streamVersion: handled.streamVersion, snapshotVersion });
  }
  return { response: handled.response as CommandResponse, replayed: handled.status === 'duplicate' };
}

/**
 * The command decided on the state known here. An append is the answer (its version
 * check proves the state current); a refusal, a no-op or a conflict may come from a
 * state that moved elsewhere: null then, and the command runs again from a fresh read.
 */
async function fromKnown<S, E>(
  rt: CommandRuntime,
  streamId: string,
  commandType: string,
  attempt: () => Promise<HandledCommand<Versioned<S>, E>>,
): Promise<HandledCommand<Versioned<S>, E> | null> {
  try {
    const handled = await attempt();
    if (handled.status !== 'unchanged') return handled;
  } catch (error) {
    if (error instanceof ConcurrencyError) rt.onConflictRetry(commandType);
  }
  rt.streams?.forget(streamId);
  return null;
}

/**
 * A supplied state that turned out stale costs one attempt that did not count against
 * the retries: it was never a read. A command pinned to a version (If-Match) is not
 * run again, as `retryOnConflict` would not either, and it is never decided on an
 * assumed new stream: a refusal would have to name an actual version nobody read.
 */
async function firstFromCurrent<S, C, E extends DomainEvent, K extends C & { type: string }, R>(
  rt: CommandRuntime,
  target: StreamCommand<S, C, E, K>,
  ctx: CommandContext,
  attempt: (current?: AggregatedStream<Versioned<S>>) => Promise<R>,
  initialState: () => Versioned<S>,
): Promise<R> {
  const commandType = target.command.type;
  const assumed = target.current === 'new' && ctx.expectedVersion !== undefined ? undefined : target.current;
  if (assumed !== undefined) {
    const current = assumed === 'new' ? initialStream(initialState) : assumed;
    try {
      return await attempt(current);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || ctx.expectedVersion !== undefined) throw error;
      rt.onConflictRetry(commandType);
    }
  }
  return retryOnConflict(rt, commandType, ctx, () => attempt());
}
