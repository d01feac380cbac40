import type { EventMetadata } from '@orderflow/contracts';
import type { TraceCarrier } from '@orderflow/platform';

/**
 * Everything about a command that is not its data: who sent it, how a repeat is
 * recognised, and where it sits in a flow. A transport adapter builds it; every use
 * case reads it. Both transports build it the same way (`buildCommandContext`).
 */
export type CommandContext = Readonly<{
  /** The caller's idempotency key, or a generated id when the caller sent none. */
  commandId: string;
  /** Null when the caller sent no key: nothing is deduplicated then. */
  idempotencyKey: string | null;
  /** Hash of the canonical request; a known key with another hash is refused (422). */
  requestHash: string;
  correlationId: string;
  userId: string | null;
  trace: TraceCarrier;
  now: Date;
  /** If-Match: the command applies only while the stream is at exactly this version. */
  expectedVersion?: number;
  /** Aborted when the caller gives up (gRPC cancellation or deadline). */
  signal?: AbortSignal;
}>;

/** Injected so tests and replays control time and identity. */
export type Clock = Readonly<{ now: () => Date; newId: () => string }>;

export type CommandEnvelope = Readonly<{
  idempotencyKey?: string | null;
  correlationId?: string | null;
  userId?: string | null;
  trace: TraceCarrier;
  requestHash: string;
  expectedVersion?: number;
  signal?: AbortSignal;
}>;

const given = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

export function buildCommandContext(envelope: CommandEnvelope, clock: Clock): CommandContext {
  const idempotencyKey = given(envelope.idempotencyKey);
  return {
    commandId: idempotencyKey ?? clock.newId(),
    idempotencyKey,
    requestHash: envelope.requestHash,
    correlationId: given(envelope.correlationId) ?? clock.newId(),
    userId: given(envelope.userId),
    trace: envelope.trace,
    now: clock.now(),
    ...(envelope.expectedVersion === undefined ? {} : { expectedVersion: envelope.expectedVersion }),
    ...(envelope.signal === undefined ? {} : { signal: envelope.signal }),
  };
}

/** The command caused its events: causation id and command id are the same. */
export const eventMetadataOf = (ctx: CommandContext): EventMetadata => ({
  correlationId: ctx.correlationId,
  causationId: ctx.commandId,
  userId: ctx.userId,
  traceparent: ctx.trace.traceparent ?? null,
  tracestate: ctx.trace.tracestate ?? null,
  commandId: ctx.commandId,
});

/** Domain commands carry the clock and the command id; deciders read nothing else from outside. */
export const domainCommand = <T extends string, D extends object>(type: T, data: D, ctx: CommandContext) => ({
  type,
  data,
  metadata: { now: ctx.now, commandId: ctx.commandId },
});
