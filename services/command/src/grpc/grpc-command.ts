import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { Limits } from '@orderflow/contracts';
import { isAppError, validation } from '@orderflow/platform/errors';
import type { Logger } from '@orderflow/platform';
import { buildCommandContext, type Clock, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-response.js';
import { requestHashOf } from '../commands/request-hash.js';
import { traceOf } from '../commands/trace-context.js';
import { toServiceError } from './grpc-errors.js';

/** Fields every request message has. */
export type CommandRequest = { command_id: string; correlation_id: string };

export type CommandResponseMessage = {
  command_id: string;
  status: string;
  aggregate_id: string;
  version: number;
  timestamp: string;
  event_types: string[];
  streams: { stream_id: string; aggregate_id: string; version: number; event_types: string[] }[];
  replayed: boolean;
};

export type GrpcDeps = Readonly<{ clock: Clock; logger: Logger }>;

const TOKEN = /^[\x21-\x7e]+$/;

function checkToken(value: string, field: string): void {
  if (value !== '' && (value.length > Limits.maxIdLength || !TOKEN.test(value))) {
    throw validation('INVALID_REQUEST_ID', `${field} must be at most ${Limits.maxIdLength} printable characters`, { field });
  }
}

const metadataValue = (call: ServerUnaryCall<unknown, unknown>, key: string): string | undefined => {
  const value = call.metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The command context of a call. The idempotency key (`command_id`) is bound to the
 * method and every other field of the request; the call's cancellation (client gone,
 * deadline passed) aborts external calls the command makes.
 */
function contextOfCall<R extends CommandRequest>(
  method: string,
  call: ServerUnaryCall<R, unknown>,
  clock: Clock,
  cancelled: AbortController,
): CommandContext {
  const { command_id: commandId, correlation_id: correlationId, ...request } = call.request;
  checkToken(commandId, 'command_id');
  checkToken(correlationId, 'correlation_id');
  return buildCommandContext(
    {
      idempotencyKey: commandId,
      correlationId,
      userId: metadataValue(call, 'x-user-id'),
      trace: traceOf(metadataValue(call, 'traceparent'), metadataValue(call, 'tracestate')),
      requestHash: requestHashOf(`grpc ${method}`, request),
      signal: cancelled.signal,
    },
    clock,
  );
}

export function toResponseMessage({ response, replayed }: CommandResult): CommandResponseMessage {
  return {
    command_id: response.commandId,
    status: response.status,
    aggregate_id: response.aggregateId,
    version: response.version,
    timestamp: response.timestamp,
    event_types: [...response.events],
    streams: response.streams.map((s) => ({ stream_id: s.streamId, aggregate_id: s.aggregateId, version: s.version, event_types: [...s.events] })),
    replayed,
  };
}

/** A unary method running one use case: request -> input, result -> CommandResponse, error -> status. */
export function grpcCommand<R extends CommandRequest, I>(
  deps: GrpcDeps,
  method: string,
  toInput: (request: R) => I,
  handler: (input: I, ctx: CommandContext) => Promise<CommandResult>,
): handleUnaryCall<R, CommandResponseMessage> {
  return (call, callback) => {
    const cancelled = new AbortController();
    const cancel = () => cancelled.abort();
    call.once('cancelled', cancel);
    const run = async () => {
      const ctx = contextOfCall(method, call, deps.clock, cancelled);
      try {
        return toResponseMessage(await handler(toInput(call.request), ctx));
      } finally {
        // the server signals `cancelled` as the call closes, answered or not: aborting
        // then would only build an AbortError nobody waits for
        call.removeListener('cancelled', cancel);
      }
    };
    run().then(
      (message) => callback(null, message),
      (error: unknown) => {
        if (!isAppError(error)) deps.logger.error({ event: 'grpc.failed', method, err: error }, 'unhandled error');
        callback(toServiceError(error));
      },
    );
  };
}

/** Proto3 strings have no presence: empty means "not given". */
export const optional = (value: string): string | null => (value === '' ? null : value);

/** Proto3 numbers have no presence: 0 means "not given" where 0 is never a valid value. */
export const optionalAmount = (value: number): number | null => (value === 0 ? null : value);
