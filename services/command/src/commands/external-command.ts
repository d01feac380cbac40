import type { DomainEvent } from '@orderflow/contracts';
import type { AggregateKind } from './aggregates.js';
import type { CommandContext } from './command-context.js';
import type { CommandResult } from './command-response.js';
import { loadAggregate, storedReplay, unchanged, type CommandRuntime } from './command-runtime.js';
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
 * the call: a replay answers from the stored response, and the decider, being pure, is
 * run on the draft against the current state, which refuses what the state forbids and
 * recognises a compensation with nothing left to do. Then the call, then the usual
 * command loop, which decides again against a fresh read.
 */
export async function runExternalCommand<S, C, E extends DomainEvent, K extends C & { type: string }>(
  rt: CommandRuntime,
  target: ExternalCommand<S, C, E, K>,
  ctx: CommandContext,
): Promise<CommandResult> {
  const replay = await storedReplay(rt, ctx);
  if (replay !== null) return replay;
  const { kind, aggregateId } = target;
  const current = await loadAggregate(rt, kind, aggregateId);
  if (kind.decider.decide(target.draft, current.state).length === 0) return unchanged(ctx, kind, aggregateId, current.version);
  const command = await target.complete(target.draft, current.state);
  return runStreamCommand(rt, { kind, aggregateId, command }, ctx);
}
