import type { DomainEvent } from '@orderflow/contracts';
import { aggregateStream, saveSnapshotIfDue } from '@orderflow/event-store';
import { ConcurrencyError } from '@orderflow/platform/errors';
import { streamIdOfAggregate, versionedDecider, type AggregateKind, type Versioned } from './aggregates.js';
import { eventMetadataOf, type CommandContext } from './command-context.js';
import { commandResponse, type CommandResponse, type CommandResult } from './command-response.js';
import { retryOnConflict, snapshotPolicy, storedReplay, type CommandRuntime } from './command-runtime.js';
import { snapshotVersionAfter } from './known-streams.js';

/** One stream's part of a multi-stream command, decided against the state read. */
export type StreamDecision<S, E> = Readonly<{
  aggregateId: string;
  streamId: string;
  expectedVersion: number;
  snapshotVersion: number | null;
  state: Versioned<S>;
  events: readonly E[];
}>;

export type MultiStreamCommand<S, C, E extends DomainEvent> = Readonly<{
  kind: AggregateKind<S, C, E>;
  /** Names the whole command in its response (the order, for inventory commands). */
  aggregateId: string;
  /** The metrics name of the command. */
  type: string;
  targets: readonly Readonly<{ aggregateId: string; command: C }>[];
  /** A stream in this state is left out without deciding. */
  skip?: (state: S) => boolean;
  /**
   * Sees every stream's decision before anything is written and returns those to write:
   * the place for all-or-nothing rules.
   */
  settle?: (decisions: readonly StreamDecision<S, E>[]) => readonly StreamDecision<S, E>[];
}>;

/**
 * A command spanning several streams of one aggregate type, written in one transaction
 * (the store's multi-stream append, each stream at the version read) under one
 * idempotency key. A conflict on any stream retries the whole command from fresh reads.
 */
export async function runMultiStreamCommand<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  target: MultiStreamCommand<S, C, E>,
  ctx: CommandContext,
): Promise<CommandResult> {
  const streamIds = target.targets.map((t) => streamIdOfAggregate(target.kind, t.aggregateId));
  const run = async () => {
    const known = rt.streams && ctx.expectedVersion === undefined ? await attempt(rt, target, ctx, true).catch(notAnswered(rt, target.type)) : null;
    if (known) return known;
    streamIds.forEach((id) => rt.streams?.forget(id));
    return retryOnConflict(rt, target.type, ctx, () => attempt(rt, target, ctx, false));
  };
  return rt.streams ? rt.streams.exclusive(streamIds, run) : run();
}

/** A refusal or a conflict on known states is checked against fresh reads: null, to run again. */
const notAnswered = (rt: CommandRuntime, type: string) => (error: unknown) => {
  if (error instanceof ConcurrencyError) rt.onConflictRetry(type);
  return null;
};

/**
 * With `fromKnown`, decides on the states known here where there are any and answers
 * only with an append (a refusal throws, a no-op gives null); otherwise reads every stream.
 */
async function attempt<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  target: MultiStreamCommand<S, C, E>,
  ctx: CommandContext,
  fromKnown: true,
): Promise<CommandResult | null>;
async function attempt<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  target: MultiStreamCommand<S, C, E>,
  ctx: CommandContext,
  fromKnown: false,
): Promise<CommandResult>;
async function attempt<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  target: MultiStreamCommand<S, C, E>,
  ctx: CommandContext,
  fromKnown: boolean,
): Promise<CommandResult | null> {
  let decisions: StreamDecision<S, E>[];
  try {
    decisions = await Promise.all(target.targets.map((t) => decideOne(rt, target, t.aggregateId, t.command, fromKnown)));
  } catch (error) {
    if (fromKnown) throw error;
    // A replayed command may be refused by the state it produced itself: answer it as a replay.
    const replay = await storedReplay(rt, ctx);
    if (replay !== null) return replay;
    throw error;
  }
  const toWrite = (target.settle ?? ((all) => all))(decisions).filter((d) => d.events.length > 0);
  if (fromKnown && toWrite.length === 0) return null;
  if (toWrite.length === 0) {
    return (await storedReplay(rt, ctx)) ?? { response: commandResponse(ctx, target.aggregateId, 0, []), replayed: false };
  }
  const response = commandResponse(
    ctx,
    target.aggregateId,
    0,
    toWrite.map((d) => ({
      streamId: d.streamId,
      aggregateId: d.aggregateId,
      version: d.expectedVersion + d.events.length,
      events: d.events.map((e) => e.type),
    })),
  );
  const metadata = eventMetadataOf(ctx);
  const appended = await rt.store.appendToStreams(
    toWrite.map((d) => ({
      streamId: d.streamId,
      streamType: target.kind.streamType,
      expectedVersion: d.expectedVersion,
      events: d.events.map((e) => ({ type: e.type, data: e.data, metadata })),
    })),
    ctx.idempotencyKey === null ? {} : { idempotency: { key: ctx.idempotencyKey, requestHash: ctx.requestHash, response } },
  );
  if (appended.status === 'duplicate') return { response: appended.response as CommandResponse, replayed: true };
  // each written stream's state after its events, folded once for the snapshot and the cache
  const decider = versionedDecider(target.kind, '');
  const after = new Map(toWrite.map((d) => [d, d.events.reduce(decider.evolve, d.state)]));
  await saveSnapshots(rt, target.kind, after);
  remember(rt, target.kind, decisions, after);
  return { response, replayed: false };
}

async function decideOne<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  target: MultiStreamCommand<S, C, E>,
  aggregateId: string,
  command: C,
  fromKnown: boolean,
): Promise<StreamDecision<S, E>> {
  const streamId = streamIdOfAggregate(target.kind, aggregateId);
  const decider = versionedDecider(target.kind, streamId);
  const snapshot = snapshotPolicy(rt, target.kind);
  const loaded =
    (fromKnown ? rt.streams?.get<Versioned<S>>(streamId) : undefined) ??
    (await aggregateStream(rt.store, {
      streamId,
      evolve: decider.evolve,
      initialState: decider.initialState,
      ...(snapshot === undefined ? {} : { snapshot }),
    }));
  const skipped = target.skip?.(loaded.state.state) ?? false;
  return {
    aggregateId,
    streamId,
    expectedVersion: loaded.streamVersion,
    snapshotVersion: loaded.snapshotVersion,
    state: loaded.state,
    events: skipped ? [] : decider.decide(command, loaded.state),
  };
}

/** After the commit: every stream's state as decided on, the written ones with their new events. */
function remember<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  kind: AggregateKind<S, C, E>,
  decisions: readonly StreamDecision<S, E>[],
  written: ReadonlyMap<StreamDecision<S, E>, Versioned<S>>,
): void {
  if (!rt.streams) return;
  const every = snapshotPolicy(rt, kind)?.every;
  for (const d of decisions) {
    const state = written.get(d);
    if (state !== undefined) {
      const streamVersion = d.expectedVersion + d.events.length;
      const snapshotVersion = snapshotVersionAfter(streamVersion, d.snapshotVersion, every);
      rt.streams.put(d.streamId, { state, streamVersion, snapshotVersion });
    } else {
      rt.streams.put(d.streamId, { state: d.state, streamVersion: d.expectedVersion, snapshotVersion: d.snapshotVersion });
    }
  }
}

/** After the commit, and never failing the command: a snapshot is a cache of the stream. */
async function saveSnapshots<S, C, E extends DomainEvent>(
  rt: CommandRuntime,
  kind: AggregateKind<S, C, E>,
  written: ReadonlyMap<StreamDecision<S, E>, Versioned<S>>,
): Promise<void> {
  const snapshot = snapshotPolicy(rt, kind);
  if (snapshot === undefined) return;
  await Promise.all(
    [...written].map(([d, state]) =>
      saveSnapshotIfDue(rt.store, {
        streamId: d.streamId,
        state,
        streamVersion: d.expectedVersion + d.events.length,
        snapshotVersion: d.snapshotVersion,
        snapshot,
      }).catch(rt.onSnapshotError),
    ),
  );
}
