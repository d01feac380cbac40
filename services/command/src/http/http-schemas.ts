import { Limits } from '@orderflow/contracts';

/** Any non-blank id of bounded length, like the domain's `isId`. */
export const idSchema = { type: 'string', minLength: 1, maxLength: Limits.maxIdLength, pattern: '\\S' } as const;
export const textSchema = { type: 'string', minLength: 1, maxLength: Limits.maxTextLength, pattern: '\\S' } as const;
export const currencySchema = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' } as const;
export const quantitySchema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
export const minorUnitsSchema = {
  type: 'integer',
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'minor units of the currency (cents)',
} as const;

const tokenHeader = { type: 'string', minLength: 1, maxLength: Limits.maxIdLength, pattern: '^[\\x21-\\x7e]+$' } as const;

/** Headers every command route reads; other headers pass. */
export const commandHeadersSchema = {
  type: 'object',
  properties: {
    'idempotency-key': {
      ...tokenHeader,
      description: 'Same key and request: the stored response, nothing done again. Same key, other request: 422.',
    },
    'x-correlation-id': { ...tokenHeader, description: 'Stamped on the events; generated when absent.' },
    'x-user-id': { ...tokenHeader, description: 'Recorded on the events as the user who asked.' },
    traceparent: { type: 'string', maxLength: 256, description: 'W3C trace context; ignored when malformed.' },
    tracestate: { type: 'string', maxLength: 512 },
    'if-match': {
      type: 'string',
      pattern: '^(W/)?"?[0-9]{1,9}"?$',
      description: 'The stream version the command expects (the ETag of an earlier answer); 409 when the stream moved on.',
    },
  },
} as const;

const streamOutcomeSchema = {
  type: 'object',
  required: ['streamId', 'aggregateId', 'version', 'events'],
  properties: {
    streamId: { type: 'string' },
    aggregateId: { type: 'string' },
    version: { type: 'integer' },
    events: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const acceptedSchema = {
  description: 'Command accepted and recorded (or answered from an earlier identical request)',
  type: 'object',
  required: ['commandId', 'status', 'aggregateId', 'version', 'timestamp', 'events', 'streams'],
  properties: {
    commandId: { type: 'string' },
    status: { type: 'string', enum: ['accepted'] },
    aggregateId: { type: 'string' },
    version: { type: 'integer', description: 'stream version after the command; pass as minVersion to the query API' },
    timestamp: { type: 'string', format: 'date-time' },
    events: { type: 'array', items: { type: 'string' }, description: 'types of the events recorded' },
    streams: { type: 'array', items: streamOutcomeSchema },
  },
} as const;

const problemSchema = (description: string) =>
  ({
    description,
    type: 'object',
    required: ['type', 'title', 'status', 'code', 'detail'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      code: { type: 'string', description: 'stable error code' },
      detail: { type: 'string' },
      instance: { type: 'string' },
    },
    additionalProperties: true,
  }) as const;

/** The answers of every command route; errors are application/problem+json. */
export const commandResponses = {
  202: acceptedSchema,
  400: problemSchema('Malformed or invalid request (VALIDATION_FAILED names the fields; MALFORMED_JSON; domain codes)'),
  404: problemSchema('Unknown aggregate (ORDER_NOT_FOUND, INVENTORY_NOT_FOUND)'),
  409: problemSchema('Version conflict (CONCURRENCY_CONFLICT) or a rule of the current state (ORDER_CANCELLED, ...)'),
  413: problemSchema('Body over 256 KiB (BODY_TOO_LARGE)'),
  415: problemSchema('Content type other than application/json (UNSUPPORTED_MEDIA_TYPE)'),
  422: problemSchema('Idempotency-Key already used for a different request (IDEMPOTENCY_KEY_REUSED)'),
} as const;

export const objectSchema = <P extends Record<string, unknown>, R extends readonly (keyof P & string)[]>(properties: P, required: R) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

/**
 * A command route's schema with its OpenAPI annotations. Built by a function because
 * the route options type does not list the annotation keys (tags, summary) that
 * @fastify/swagger reads.
 */
export const commandSchema = (tag: string, summary: string, parts: Readonly<{ params?: object; body?: object }>) => ({
  tags: [tag],
  summary,
  headers: commandHeadersSchema,
  ...parts,
  response: commandResponses,
});
