import type { DomainEvent } from '@orderflow/contracts';
import { aggregateStream, idempotencyKeyReused } from '@orderflow/event-store';
import { streamIdOfAggregate, versionedDecider, type AggregateKind } from './aggregates.js';
import type { CommandContext } from './command-context.js';
import type { CommandResponse, CommandResult } from './command-response.js';
import { snapshotPolicy, unchanged, type CommandRuntime } from './command-runtime.js';
import { runStreamCommand } from './stream-command.js';

export type ExternalCommand<S, C, E extends DomainEvent, K extends C> = Readonly<{
  kind: AggregateKind<S, C, E>;
  aggregateId: string;
  /** The command with placeholders where the external system's answer goes. */
  draft: K;
  /** Asks the external system (the state passed the draft) and returns the complete command. */
  complete: (draft: K, state: S) => Promise<K>;
}>;

/**
 * A command whose data includes an external system's answer (gateway, carrier). Money
 * must not move for a command that will be refused, nor twice for a replay, so before
 * the call, one read answers both: a replay answers from the stored response, and the
 * decider, being pure, is run on the draft against the state read, which refuses what
 * the state (or a stale If-Match) forbids and recognises a compensation with nothing
 * left to do. Then the call, then the append, decided on that same state and expecting
 * its version: a write in between makes it a conflict, retried from a fresh read.
 */
export async function runExternalCommand<S, C, E extends DomainEvent, K extends C & { type: string }>(
  rt: CommandRuntime,
  target: ExternalCommand<S, C, E, K>,
  ctx: CommandContext,
): Promise<CommandResult> {
  const { kind, aggregateId } = target;
  const streamId = streamIdOfAggregate(kind, aggregateId);
  const decider = versionedDecider(kind, streamId, ctx.expectedVersion);
  const snapshot = snapshotPolicy(rt, kind);
  const current = await aggregateStream(rt.store, {
    streamId,
    evolve: decider.evolve,
    initialState: decider.initialState,
    ...(snapshot === undefined ? {} : { snapshot }),
    ...(ctx.idempotencyKey === null ? {} : { idempotencyKey: ctx.idempotencyKey }),
  });
  const stored = current.idempotency ?? null;
  if (stored !== null) {
    if (stored.requestHash !== ctx.requestHash) throw idempotencyKeyReused(stored.key);
    return { response: stored.response as CommandResponse, replayed: true };
  }
  if (decider.decide(target.draft, current.state).length === 0) return unchanged(ctx, kind, aggregateId, current.streamVersion);
  const command = await target.complete(target.draft, current.state.state);
  return runStreamCommand(rt, { kind, aggregateId, command, current }, ctx);
}
