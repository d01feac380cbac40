import type { CommandContext } from './command-context.js';

export type StreamOutcome = Readonly<{ streamId: string; aggregateId: string; version: number; events: readonly string[] }>;

/**
 * What every command answers, over REST (202) and gRPC alike. It is stored with the
 * idempotency key, so a replay returns it unchanged.
 */
export type CommandResponse = Readonly<{
  commandId: string;
  status: 'accepted';
  aggregateId: string;
  /** Stream version after the command: read-your-writes for the query API. */
  version: number;
  timestamp: string;
  events: readonly string[];
  streams: readonly StreamOutcome[];
}>;

export type CommandResult = Readonly<{ response: CommandResponse; replayed: boolean }>;

export function commandResponse(
  ctx: CommandContext,
  aggregateId: string,
  version: number,
  streams: readonly StreamOutcome[],
): CommandResponse {
  return {
    commandId: ctx.commandId,
    status: 'accepted',
    aggregateId,
    version,
    timestamp: ctx.now.toISOString(),
    events: streams.flatMap((s) => s.events),
    streams,
  };
}
