import type { DomainEvent } from '@orderflow/contracts';
import { aggregateStream, type EventStore, type SnapshotPolicy } from '@orderflow/event-store';
import { ConcurrencyError } from '@orderflow/platform/errors';
import { idempotencyKeyReused } from '@orderflow/event-store';
import { streamIdOfAggregate, versionedDecider, type AggregateKind, type Versioned } from './aggregates.js';
import type { Clock, CommandContext } from './command-context.js';
import type { KnownStreams } from './known-streams.js';
import { commandResponse, type CommandResponse, type CommandResult } from './command-response.js';

/** What every use case needs to run a command against the event store. */
export type CommandRuntime = Readonly<{
  store: EventStore;
  clock: Clock;
  /** A snapshot is saved every this many events per stream; 0 turns snapshots off. */
  snapshotEvery: number;
  /** Fresh attempts after a concurrency conflict, when the command did not pin a version. */
  maxRetries: number;
  onConflictRetry: (command: string) => void;
  onSnapshotError: (error: unknown) => void;
  /** Streams known from this process's own reads and writes; without it every command reads. */
  streams?: KnownStreams;
}>;

export function snapshotPolicy<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  kind: AggregateKind<S, C, E>,
): SnapshotPolicy<Versioned<S>> | undefined {
  return rt.snapshotEvery > 0 ? { key: kind.snapshotKey, every: rt.snapshotEvery } : undefined;
}

/** The aggregate's current state and version, through the same snapshots the handler uses. */
export async function loadAggregate<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  kind: AggregateKind<S, C, E>,
  aggregateId: string,
): Promise<Versioned<S>> {
  const streamId = streamIdOfAggregate(kind, aggregateId);
  const decider = versionedDecider(kind, streamId);
  const snapshot = snapshotPolicy(rt, kind);
  const loaded = await aggregateStream(rt.store, {
    streamId,
    evolve: decider.evolve,
    initialState: decider.initialState,
    ...(snapshot === undefined ? {} : { snapshot }),
  });
  return loaded.state;
}

/**
 * The stored answer to an earlier command with the same key, or null. The same key with
 * another request is refused, whatever the state of the aggregate now.
 */
export async function storedReplay(rt: CommandRuntime, ctx: CommandContext): Promise<CommandResult | null> {
  if (ctx.idempotencyKey === null) return null;
  const stored = await rt.store.findIdempotentResponse(ctx.idempotencyKey);
  if (stored === null) return null;
  if (stored.requestHash !== ctx.requestHash) throw idempotencyKeyReused(ctx.idempotencyKey);
  return { response: stored.response as CommandResponse, replayed: true };
}

/** A command its aggregate's state already satisfies: answered, nothing recorded. */
export function unchanged<S, C, E extends DomainEvent>(
  ctx: CommandContext,
  kind: AggregateKind<S, C, E>,
  aggregateId: string,
  version: number,
): CommandResult {
  const streamId = streamIdOfAggregate(kind, aggregateId);
  return { response: commandResponse(ctx, aggregateId, version, [{ streamId, aggregateId, version, events: [] }]), replayed: false };
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt * 2)));

/**
 * Runs `attempt` again after a concurrency conflict, each time from a fresh read, after a
 * short random pause so that writers racing on one stream spread out. A command pinned
 * to a version (If-Match) is never retried: the version it named is gone for good.
 */
export async function retryOnConflict<T>(
  rt: CommandRuntime,
  command: string,
  ctx: CommandContext,
  attempt: () => Promise<T>,
): Promise<T> {
  const maxRetries = ctx.expectedVersion === undefined ? rt.maxRetries : 0;
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || retry >= maxRetries) throw error;
      rt.onConflictRetry(command);
      await backoff(retry);
    }
  }
}
