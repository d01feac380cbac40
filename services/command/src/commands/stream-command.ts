import type { DomainEvent } from '@orderflow/contracts';
import { handleCommand } from '@orderflow/event-store';
import { streamIdOfAggregate, versionedDecider, type AggregateKind } from './aggregates.js';
import { eventMetadataOf, type CommandContext } from './command-context.js';
import { commandResponse, type CommandResponse, type CommandResult } from './command-response.js';
import { retryOnConflict, snapshotPolicy, type CommandRuntime } from './command-runtime.js';

export type StreamCommand<S, C, E extends DomainEvent, K extends C> = Readonly<{
  kind: AggregateKind<S, C, E>;
  aggregateId: string;
  command: K;
  /** Fills in what the caller may leave to the current state (the order's currency), before deciding. */
  complete?: (command: K, state: S) => K;
}>;

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
  const handled = await retryOnConflict(rt, target.command.type, ctx, () =>
    handleCommand(rt.store, {
      streamId,
      streamType: kind.streamType,
      decide: (command: K, current) => decider.decide(complete(command, current.state), current),
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
      maxRetries: 0,
      onSnapshotError: rt.onSnapshotError,
    }),
  );
  return { response: handled.response as CommandResponse, replayed: handled.status === 'duplicate' };
}
