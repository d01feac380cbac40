import { orderStatuses } from '../orders/order-view.js';
import { sortValues } from '../orders/order-list-query.js';

/**
 * JSON Schemas for parameters and responses. Fastify validates requests with them and
 * @fastify/swagger publishes them at /openapi.json, so the document cannot drift from
 * what the service accepts.
 */

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;
/** Deep offsets cost a scan of every skipped row; past this, filter or narrow the range instead. */
export const MAX_PAGE = 10_000;

/** Same rule as the write side's ids: non-blank, at most 128 characters, no control characters. */
export const idParam = (description: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^(?=.*\\S)[^\\u0000-\\u001F\\u007F]*$',
  description,
});

export const statusParam = { type: 'string', enum: [...orderStatuses], description: 'Order status' };

export const instantParam = (description: string) => ({
  anyOf: [
    { type: 'string', format: 'date' },
    { type: 'string', format: 'date-time' },
  ],
  description,
});

export const createdRangeParams = {
  from: instantParam('Created at or after: an ISO date (UTC midnight) or an instant with a zone; inclusive'),
  to: instantParam('Created at or before: an ISO date covers that whole day (UTC); an instant is inclusive'),
};

export const pagingParams = {
  page: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Page number, 1-based' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Page size; over ${MAX_LIMIT} is a 400` },
};

export const sortParam = { type: 'string', enum: [...sortValues], default: 'createdAt:desc', description: 'field:direction' };

export const freshnessParams = (maxWaitMs: number) => ({
  minVersion: {
    type: 'integer',
    minimum: 1,
    maximum: 2_147_483_647,
    description: 'Wait (bounded) until the read model holds at least this order version; answers stale otherwise',
  },
  maxWaitMs: {
    type: 'integer',
    minimum: 0,
    maximum: 2_147_483_647,
    description: `Longest wait for minVersion, in ms; the server never waits longer than ${maxWaitMs} ms`,
  },
});

export const querystring = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
});

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });

export const metaSchema = {
  type: 'object',
  description:
    'Freshness. Detail: version and updatedAt of the order view served. Lists: version is the list generation ' +
    '(orders:list:gen, null when Redis is unavailable), lastUpdated the newest updatedAt among the rows returned.',
  required: ['lastUpdated', 'version', 'cached', 'stale'],
  properties: {
    lastUpdated: nullable('string', { format: 'date-time' }),
    version: nullable('integer'),
    cached: { type: 'boolean', description: 'Served from Redis' },
    stale: { type: 'boolean', description: 'minVersion was not reached within the wait; the data is older' },
  },
};

export const paginationSchema = {
  type: 'object',
  required: ['page', 'limit', 'total', 'totalPages'],
  properties: { page: { type: 'integer' }, limit: { type: 'integer' }, total: { type: 'integer' }, totalPages: { type: 'integer' } },
};

const itemSchema = {
  type: 'object',
  required: ['productId', 'quantity', 'unitPrice', 'lineTotal'],
  properties: { productId: { type: 'string' }, quantity: { type: 'integer' }, unitPrice: { type: 'integer' }, lineTotal: { type: 'integer' } },
};

export const orderItemsSchema = { type: 'array', items: itemSchema };

export const orderViewJsonSchema = {
  type: 'object',
  required: ['orderId', 'customerId', 'status', 'items', 'version'],
  properties: {
    orderId: { type: 'string' },
    customerId: { type: 'string' },
    status: { type: 'string', enum: [...orderStatuses] },
    currency: nullable('string'),
    totalAmount: nullable('integer', { description: 'Minor units of currency' }),
    itemCount: nullable('integer'),
    items: orderItemsSchema,
    shippingAddress: nullable('object', { additionalProperties: true }),
    payment: nullable('object', {
      properties: { paymentId: { type: 'string' }, status: { type: 'string' }, amount: nullable('integer') },
    }),
    shipment: nullable('object', {
      properties: { shipmentId: { type: 'string' }, carrier: nullable('string'), trackingNumber: nullable('string') },
    }),
    cancellationReason: nullable('string'),
    version: { type: 'integer', description: 'Order stream version the view reflects' },
    createdAt: nullable('string', { format: 'date-time' }),
    updatedAt: nullable('string', { format: 'date-time' }),
  },
};

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` is stable, `parameter` names the bad parameter',
  required: ['type', 'title', 'status', 'code', 'detail'],
  additionalProperties: true,
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    parameter: { type: 'string' },
    stale: { type: 'boolean' },
  },
};

export const envelopeSchema = (data: unknown, paged = false) => ({
  type: 'object',
  required: ['data', 'meta', ...(paged ? ['pagination'] : [])],
  properties: { data, meta: metaSchema, ...(paged ? { pagination: paginationSchema } : {}) },
});

export const errorResponses = { 400: problemSchema, 404: problemSchema };
