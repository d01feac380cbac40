import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildCommandContext, type Clock, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-response.js';
import { requestHashOf } from '../commands/request-hash.js';
import { traceOf } from '../commands/trace-context.js';

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** `"7"`, `7` or `W/"7"`; the header schema has already refused anything else. */
const expectedVersionOf = (ifMatch: string | undefined): number | undefined =>
  ifMatch === undefined ? undefined : Number(ifMatch.replace(/^W\//, '').replaceAll('"', ''));

/**
 * The command context of a REST request. The idempotency key is bound to the route,
 * its parameters, the body and If-Match: the same key on anything else is a 422.
 */
export function contextOfRequest(req: FastifyRequest, clock: Clock): CommandContext {
  const expectedVersion = expectedVersionOf(header(req, 'if-match'));
  const operation = `${req.method} ${req.routeOptions.url ?? req.url}`;
  return buildCommandContext(
    {
      idempotencyKey: header(req, 'idempotency-key'),
      correlationId: header(req, 'x-correlation-id'),
      userId: header(req, 'x-user-id'),
      trace: traceOf(header(req, 'traceparent'), header(req, 'tracestate')),
      requestHash: requestHashOf(operation, { params: req.params, body: req.body ?? null, expectedVersion }),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    },
    clock,
  );
}

/** 202 with the command's answer; the ETag is the stream version, for a later If-Match. */
export function sendAccepted(reply: FastifyReply, ctx: CommandContext, result: CommandResult) {
  reply.code(202).header('etag', `"${result.response.version}"`).header('x-correlation-id', ctx.correlationId);
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(result.response);
}

/** Runs a use case for a request and answers it. */
export async function runHttpCommand<I>(
  req: FastifyRequest,
  reply: FastifyReply,
  clock: Clock,
  input: I,
  handler: (input: I, ctx: CommandContext) => Promise<CommandResult>,
) {
  const ctx = contextOfRequest(req, clock);
  return sendAccepted(reply, ctx, await handler(input, ctx));
}
