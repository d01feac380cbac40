import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '@orderflow/platform/errors';
import { readOrder, type OrderDetailDeps, type OrderRead } from '../orders/order-detail.js';
import { listOrders, searchOrders, type ListRead, type OrderListDeps } from '../orders/order-lists.js';
import { paginationOf, parseSort, type OrderListQuery, type Paging } from '../orders/order-list-query.js';
import type { OrderStatus, OrderView } from '../orders/order-view.js';
import { createdRange } from './created-range.js';
import { envelope, envelopeJson, markStale, newestUpdate, type Meta } from './envelope.js';
import { parameterErrors } from './param-errors.js';
import {
  createdRangeParams,
  envelopeSchema,
  errorResponses,
  freshnessParams,
  idParam,
  orderItemsSchema,
  orderViewJsonSchema,
  pagingParams,
  querystring,
  sortParam,
  statusParam,
} from './schemas.js';

export type OrdersRoutesOptions = Readonly<{ detail: OrderDetailDeps; lists: OrderListDeps }>;

type FreshnessQs = { minVersion?: number; maxWaitMs?: number };
type RangeQs = { from?: string; to?: string };
type ListQs = RangeQs & Paging & { status?: OrderStatus; customerId?: string; sort: string };

const tags = ['orders'];
const orderIdParams = { type: 'object', required: ['orderId'], properties: { orderId: idParam('Order id') } };
const pagedOrders = envelopeSchema({ type: 'array', items: orderViewJsonSchema }, true);

const JSON_UTF8 = 'application/json; charset=utf-8';

function foundView(request: FastifyRequest, orderId: string, read: OrderRead): OrderView {
  if (read.stale) markStale(request);
  if (read.view) return read.view;
  throw read.stale
    ? notFound('ORDER_NOT_FOUND', `order ${orderId} did not appear in the read model within the wait`, { orderId, stale: true })
    : notFound('ORDER_NOT_FOUND', `order ${orderId} not found`, { orderId });
}

const metaOf = (view: OrderView, read: OrderRead): Meta => ({ lastUpdated: view.updatedAt, version: view.version, cached: read.cached, stale: read.stale });

function answerDetail<T>(request: FastifyRequest, orderId: string, read: OrderRead, data: (view: OrderView) => T) {
  const view = foundView(request, orderId, read);
  return envelope(data(view), metaOf(view, read));
}

/**
 * The whole order. A cached entry already in the served shape goes out as it is stored,
 * inside the envelope; the envelope's bytes are kept per entry (by its parsed view, one
 * object per stored text, see `rememberingDetailParser`), so a hot order's response is
 * written once per change of the entry, not once per read. `meta` of such an answer is
 * fixed by the entry: `cached` is true, `stale` false, the rest comes from the view.
 */
function orderSender() {
  const bodies = new WeakMap<OrderView, Readonly<{ json: string; body: Buffer }>>();
  return (request: FastifyRequest, reply: FastifyReply, orderId: string, read: OrderRead) => {
    const view = foundView(request, orderId, read);
    if (read.json === null) return envelope(view, metaOf(view, read));
    reply.type(JSON_UTF8);
    if (!read.cached || read.stale) return reply.send(envelopeJson(read.json, metaOf(view, read)));
    let kept = bodies.get(view);
    // the same view with another text would be another entry: never answer with the first one's bytes
    if (kept === undefined || kept.json !== read.json) {
      kept = { json: read.json, body: Buffer.from(envelopeJson(read.json, metaOf(view, read))) };
      bodies.set(view, kept);
    }
    return reply.send(kept.body);
  };
}

const answerList = (read: ListRead, paging: Paging) =>
  envelope(
    read.page.items,
    { lastUpdated: newestUpdate(read.page.items), version: read.generation, cached: read.cached, stale: false },
    paginationOf(paging, read.page.total),
  );

function toListQuery(qs: ListQs, fixed: Partial<OrderListQuery> = {}): OrderListQuery {
  // the schema admits only whitelisted sort values, so this is a guard, not a check
  const sort = parseSort(qs.sort);
  if (!sort) throw new Error(`sort ${qs.sort} passed the schema but is not whitelisted`);
  return {
    ...(qs.status !== undefined ? { status: qs.status } : {}),
    ...(qs.customerId !== undefined ? { customerId: qs.customerId } : {}),
    ...createdRange(qs.from, qs.to),
    sort,
    page: qs.page,
    limit: qs.limit,
    ...fixed,
  };
}

/** Orders: detail (with read-your-writes), items, lists by filter, customer and status, search. */
export async function ordersRoutes(app: FastifyInstance, opts: OrdersRoutesOptions): Promise<void> {
  const freshness = freshnessParams(opts.detail.maxWaitMs);
  const schemaErrorFormatter = parameterErrors();
  const listParams = { ...pagingParams, sort: sortParam };
  const sendOrder = orderSender();

  app.get<{ Params: { orderId: string }; Querystring: FreshnessQs }>(
    '/orders/:orderId',
    {
      schemaErrorFormatter,
      schema: {
        tags,
        summary: 'One order; with minVersion, waits (bounded) until the read model has that version',
        params: orderIdParams,
        querystring: querystring(freshness),
        response: { 200: envelopeSchema(orderViewJsonSchema), ...errorResponses },
      },
    },
    async (req, reply) => sendOrder(req, reply, req.params.orderId, await readOrder(opts.detail, req.params.orderId, req.query)),
  );

  app.get<{ Params: { orderId: string }; Querystring: FreshnessQs }>(
    '/orders/:orderId/items',
    {
      schemaErrorFormatter,
      schema: {
        tags,
        summary: "An order's lines; minVersion as for the order",
        params: orderIdParams,
        querystring: querystring(freshness),
        response: { 200: envelopeSchema(orderItemsSchema), ...errorResponses },
      },
    },
    async (req) => answerDetail(req, req.params.orderId, await readOrder(opts.detail, req.params.orderId, req.query), (v) => v.items),
  );

  app.get<{ Querystring: ListQs }>(
    '/orders',
    {
      schemaErrorFormatter,
      schema: {
        tags,
        summary: 'Orders, filtered by status, customer and creation time, paged and sorted',
        querystring: querystring({ status: statusParam, customerId: idParam('Customer id'), ...createdRangeParams, ...listParams }),
        response: { 200: pagedOrders, 400: errorResponses[400] },
      },
    },
    async (req) => answerList(await listOrders(opts.lists, toListQuery(req.query)), req.query),
  );

  app.get<{ Querystring: Paging & { q: string; status?: OrderStatus } }>(
    '/orders/search',
    {
      schemaErrorFormatter,
      schema: {
        tags,
        summary: 'Full-text search over order id, customer id and product ids, plus order id prefix; best matches first',
        querystring: querystring({ q: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' }, status: statusParam, ...pagingParams }, ['q']),
        response: { 200: pagedOrders, 400: errorResponses[400] },
      },
    },
    async (req) => {
      const { q, status, page, limit } = req.query;
      const query = { text: q.trim(), page, limit, ...(status !== undefined ? { status } : {}) };
      return answerList(await searchOrders(opts.lists, query), req.query);
    },
  );

  app.get<{ Params: { status: OrderStatus }; Querystring: ListQs }>(
    '/orders/status/:status',
    {
      schemaErrorFormatter,
      schema: {
        tags,
        summary: 'Orders in one status, optionally within a creation time range',
        params: { type: 'object', required: ['status'], properties: { status: statusParam } },
        querystring: querystring({ ...createdRangeParams, ...listParams }),
        response: { 200: pagedOrders, 400: errorResponses[400] },
      },
    },
    async (req) => answerList(await listOrders(opts.lists, toListQuery(req.query, { status: req.params.status })), req.query),
  );

  app.get<{ Params: { customerId: string }; Querystring: ListQs }>(
    '/customers/:customerId/orders',
    {
      schemaErrorFormatter,
      schema: {
        tags: ['customers'],
        summary: "A customer's orders, paged and sorted like /orders",
        params: { type: 'object', required: ['customerId'], properties: { customerId: idParam('Customer id') } },
        querystring: querystring({ status: statusParam, ...createdRangeParams, ...listParams }),
        response: { 200: pagedOrders, 400: errorResponses[400] },
      },
    },
    async (req) => answerList(await listOrders(opts.lists, toListQuery(req.query, { customerId: req.params.customerId })), req.query),
  );
}
