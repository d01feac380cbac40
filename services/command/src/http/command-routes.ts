import type { FastifyRequest } from 'fastify';
import type { Clock } from '../commands/command-context.js';
import type { CommandUseCases } from '../use-cases.js';

export type CommandRouteOptions = Readonly<{ commands: CommandUseCases; clock: Clock }>;

/** Commands without required fields may be sent with no body at all. */
export async function noBodyAsEmptyObject(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {};
}
