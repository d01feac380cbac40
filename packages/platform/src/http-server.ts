import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { installErrorHandling } from './http-errors.js';
import { lazyRequestLoggers } from './request-logger.js';

export type HttpServerOptions = {
  logger: Logger;
  /** Largest accepted request body; larger ones get 413. */
  bodyLimit?: number;
};

/**
 * A Fastify instance with the conventions every service shares: request ids taken
 * from `x-request-id` or generated, problem+json errors, no unknown-field stripping
 * (schemas reject unknown fields instead of silently dropping them).
 */
export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // a request's child logger is made when it first writes a line, not for every request
    childLoggerFactory: lazyRequestLoggers(),
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    // ids may be 128 characters, percent-encoded up to three times that; routes validate the real limit
    routerOptions: { maxParamLength: 512 },
    // one line per request is written by the onResponse hook below, with the outcome
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  installErrorHandling(app);
  // a callback hook, not an async one: no promise per request for work that never waits
  app.addHook('onResponse', (req, reply, done) => {
    if (!req.url.startsWith('/health') && req.url !== '/metrics') {
      req.log.info(
        { event: 'http.request', method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });
  return app;
}
