import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpStatusOf, isAppError, toProblem, type Problem } from './errors.js';

const PROBLEM = 'application/problem+json';

/** Maps Fastify's own client errors (parse, size, media type, schema) to stable codes. */
function fromFastifyError(e: FastifyError): AppError | undefined {
  if (e.validation) {
    const fields = e.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      const extra = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const base = (v.instancePath || '').replace(/^\//, '').replaceAll('/', '.');
      const field = missing ? [base, missing].filter(Boolean).join('.') : extra ? [base, extra].filter(Boolean).join('.') : base;
      return { field: field || e.validationContext || 'body', message: extra ? 'unknown field' : (v.message ?? 'invalid') };
    });
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join(', ');
    return new AppError('validation', 'VALIDATION_FAILED', `invalid ${e.validationContext ?? 'request'}: ${summary}`, {
      errors: fields,
    });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('too_large', 'BODY_TOO_LARGE', 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('validation', 'UNSUPPORTED_MEDIA_TYPE', 'content type is not supported; send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('validation', 'EMPTY_BODY', 'request body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('validation', 'MALFORMED_JSON', 'request body is not valid JSON');
    default:
      break;
  }
  if (e instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message))) {
    return new AppError('validation', 'MALFORMED_JSON', 'request body is not valid JSON');
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('validation', 'BAD_REQUEST', e.message);
  }
  return undefined;
}

function send(reply: FastifyReply, problem: Problem) {
  const status = problem.status === 415 ? 415 : problem.status;
  return reply.code(status).type(PROBLEM).send(problem);
}

/**
 * One error handler for every HTTP service: typed errors become problem+json with
 * their stable code; anything else is a bug, logged with its stack and answered with
 * an opaque 500.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = isAppError(error) ? error : fromFastifyError(error);
    if (known) {
      if (known.code === 'UNSUPPORTED_MEDIA_TYPE') {
        return send(reply, { ...toProblem(known, request.url), status: 415 });
      }
      request.log.info({ event: 'request.rejected', code: known.code, status: httpStatusOf[known.kind] }, known.message);
      return send(reply, toProblem(known, request.url));
    }
    request.log.error({ event: 'request.failed', err: error }, 'unhandled error');
    return send(reply, {
      type: 'https://orderflow.dev/problems/internal',
      title: 'internal error',
      status: 500,
      code: 'INTERNAL',
      detail: 'an unexpected error occurred',
      instance: request.url,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, toProblem(new AppError('not_found', 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`), request.url)),
  );
}
