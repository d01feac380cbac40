import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cacheKeys } from '../adapters/redis/order-cache.js';
import { getJson, type Answer } from '../testing/api-client.js';
import { metricValue, startQueryHarness, type QueryHarness } from '../testing/query-harness.js';
import { deleteOrders, insertOrders, orderRow, updateOrder, uniqueId, type OrderRow } from '../testing/read-model-rows.js';
import type { OrderItemView, OrderView } from './order-view.js';

const SERVER_WAIT_MS = 10_000;
let h: QueryHarness;
const inserted: string[] = [];

before(async () => {
  h = await startQueryHarness({ minVersionWaitMs: SERVER_WAIT_MS });
});

after(async () => {
  await deleteOrders(h.pool, inserted);
  await h.close();
});

async function insert(overrides: Partial<OrderRow> = {}): Promise<OrderRow> {
  const row = orderRow(overrides);
  await insertOrders(h.pool, [row]);
  inserted.push(row.orderId);
  return row;
}

const expectedView = (r: OrderRow): OrderView => ({
  orderId: r.orderId,
  customerId: r.customerId,
  status: r.status,
  currency: r.currency,
  totalAmount: r.totalAmount,
  itemCount: r.items.reduce((n, i) => n + i.quantity, 0),
  items: r.items,
  shippingAddress: r.shippingAddress,
  payment: r.payment,
  shipment: r.shipment,
  cancellationReason: r.cancellationReason,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** Starts a request and notes when its answer arrived, without awaiting it. */
function request(url: string) {
  const started = performance.now();
  const answered = h.app.inject({ method: 'GET', url }).then((res) => ({ res, at: performance.now() }));
  return { started, answered };
}

describe('order detail', { timeout: 30_000 }, () => {
  it('answers the order and its items from PostgreSQL with freshness metadata', async () => {
    const row = await insert({ version: 2, status: 'PAID', payment: { paymentId: uniqueId('pay'), status: 'CAPTURED', amount: 2500 } });
    const body = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}`);
    assert.deepEqual(body.data, expectedView(row));
    assert.deepEqual(body.meta, { lastUpdated: row.updatedAt, version: 2, cached: false, stale: false });
    assert.equal(body.pagination, undefined);
    const items = await getJson<Answer<OrderItemView[]>>(h.app, `/api/v1/orders/${row.orderId}/items`);
    assert.deepEqual(items.data, row.items);
    assert.equal(items.meta.version, 2);
  });

  it('shows the shipment with the carrier and tracking number the projection recorded', async () => {
    const shipment = { shipmentId: uniqueId('shp'), carrier: 'dhl', trackingNumber: 'TRK-9' };
    const row = await insert({ version: 3, status: 'SHIPPED', shipment });
    const body = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}`);
    assert.deepEqual(body.data.shipment, shipment);
    const unnamed = await insert({ version: 3, status: 'SHIPPED', shipment: { ...shipment, shipmentId: uniqueId('shp'), carrier: null } });
    assert.equal((await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${unnamed.orderId}`)).data.shipment?.carrier, null);
  });

  it('answers 404 problem+json for an order the read model does not hold', async () => {
    const orderId = uniqueId('ord');
    for (const url of [`/api/v1/orders/${orderId}`, `/api/v1/orders/${orderId}/items`]) {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /problem\+json/);
      const body = res.json<{ code: string; stale?: boolean; orderId: string }>();
      assert.equal(body.code, 'ORDER_NOT_FOUND');
      assert.equal(body.orderId, orderId);
      assert.equal(body.stale, undefined);
    }
  });
});

describe('minVersion', { timeout: 30_000 }, () => {
  it('answers at once when the read model already has the version', async () => {
    const row = await insert({ version: 3 });
    const started = performance.now();
    const body = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}?minVersion=2`);
    assert.equal(body.meta.version, 3);
    assert.equal(body.meta.stale, false);
    assert.ok(performance.now() - started < SERVER_WAIT_MS / 10);
  });

  it('returns as soon as the projection commits the version and notifies', async () => {
    const row = await insert({ version: 2, status: 'PENDING' });
    const waiting = h.nextWait(row.orderId);
    const { started, answered } = request(`/api/v1/orders/${row.orderId}?minVersion=3`);
    await waiting;
    // the answer may reach this test before the commit's own acknowledgement does: the commit's start is the bound
    const committing = performance.now();
    await updateOrder(h.pool, row.orderId, { version: 3, status: 'PAID' });
    const { res, at } = await answered;
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<Answer<OrderView>>();
    assert.equal(body.data.version, 3);
    assert.equal(body.data.status, 'PAID');
    assert.deepEqual({ ...body.meta, lastUpdated: null }, { lastUpdated: null, version: 3, cached: false, stale: false });
    assert.ok(at >= committing, 'answered after the commit');
    assert.ok(at - started < SERVER_WAIT_MS / 4, `answered after ${Math.round(at - started)} ms, well before the ${SERVER_WAIT_MS} ms bound`);
    const reached = await metricValue(h.registry, 'query_min_version_wait_seconds', { outcome: 'reached' }, 'query_min_version_wait_seconds_count');
    assert.ok(reached >= 1);
  });

  it('waits on /items too, and for an order that does not exist yet', async () => {
    const row = orderRow({ version: 1 });
    inserted.push(row.orderId);
    const waiting = h.nextWait(row.orderId);
    const { started, answered } = request(`/api/v1/orders/${row.orderId}/items?minVersion=1`);
    await waiting;
    await insertOrders(h.pool, [row]);
    await h.pool.query("SELECT pg_notify('order_view_updated', $1)", [`${row.orderId}:1`]);
    const { res, at } = await answered;
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json<Answer<OrderItemView[]>>().data, row.items);
    assert.ok(at - started < SERVER_WAIT_MS / 4);
  });

  it('keeps waiting through notifications of lower versions and of other orders', async () => {
    const row = await insert({ version: 1 });
    const waiting = h.nextWait(row.orderId);
    const { answered } = request(`/api/v1/orders/${row.orderId}?minVersion=3`);
    await waiting;
    await updateOrder(h.pool, row.orderId, { version: 2 });
    await h.pool.query("SELECT pg_notify('order_view_updated', $1)", [`${uniqueId('ord')}:9`]);
    const committing = performance.now();
    await updateOrder(h.pool, row.orderId, { version: 3 });
    const { res, at } = await answered;
    const { meta } = res.json<Answer<OrderView>>();
    assert.equal(meta.version, 3);
    assert.equal(meta.stale, false);
    assert.ok(at >= committing, 'answered only once version 3 was being committed');
  });

  it('answers the older data marked stale when the wait runs out', async () => {
    const row = await insert({ version: 2 });
    const timeoutsBefore = await metricValue(h.registry, 'query_min_version_timeouts_total');
    const started = performance.now();
    const body = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}?minVersion=5&maxWaitMs=300`);
    const elapsed = performance.now() - started;
    assert.deepEqual(body.data, expectedView(row));
    assert.deepEqual(body.meta, { lastUpdated: row.updatedAt, version: 2, cached: false, stale: true });
    assert.ok(elapsed >= 290 && elapsed < 3_000, `waited ${Math.round(elapsed)} ms for a 300 ms bound`);
    assert.equal(await metricValue(h.registry, 'query_min_version_timeouts_total'), timeoutsBefore + 1);
    assert.ok((await metricValue(h.registry, 'query_requests_total', { route: '/api/v1/orders/:orderId', outcome: 'stale' })) >= 1);
  });

  it('answers 404 marked stale when the order never appeared within the wait', async () => {
    const orderId = uniqueId('ord');
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}?minVersion=1&maxWaitMs=150` });
    assert.equal(res.statusCode, 404);
    const body = res.json<{ code: string; stale: boolean }>();
    assert.equal(body.code, 'ORDER_NOT_FOUND');
    assert.equal(body.stale, true);
  });

  it('never waits longer than the server bound, whatever maxWaitMs asks', async () => {
    const short = await startQueryHarness({ minVersionWaitMs: 200 });
    try {
      const row = orderRow({ version: 1 });
      await insertOrders(short.pool, [row]);
      inserted.push(row.orderId);
      const started = performance.now();
      const body = await getJson<Answer<OrderView>>(short.app, `/api/v1/orders/${row.orderId}?minVersion=2&maxWaitMs=60000`);
      const elapsed = performance.now() - started;
      assert.equal(body.meta.stale, true);
      assert.ok(elapsed >= 190 && elapsed < 3_000, `waited ${Math.round(elapsed)} ms for a 200 ms bound`);
    } finally {
      await short.close();
    }
  });
});

describe('Redis cache', { timeout: 30_000 }, () => {
  const cacheView = (view: OrderView) => h.redis.set(cacheKeys.detail(view.orderId), JSON.stringify({ ...view, revision: 1 }), 'EX', 60);

  it('serves the hot detail from Redis, and PostgreSQL when minVersion is above the cached version', async () => {
    const row = await insert({ version: 4, status: 'CONFIRMED' });
    // the cached copy differs from the row, so the answer shows which source served it
    const cached: OrderView = { ...expectedView(row), status: 'PAID', updatedAt: '2024-01-01T00:00:00.000Z' };
    await cacheView(cached);

    const hot = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}`);
    assert.deepEqual(hot.data, cached);
    assert.deepEqual(hot.meta, { lastUpdated: cached.updatedAt, version: 4, cached: true, stale: false });
    const hotItems = await getJson<Answer<OrderItemView[]>>(h.app, `/api/v1/orders/${row.orderId}/items?minVersion=4`);
    assert.equal(hotItems.meta.cached, true);

    await updateOrder(h.pool, row.orderId, { version: 5, status: 'SHIPPED' });
    const fresh = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}?minVersion=5`);
    assert.equal(fresh.meta.cached, false);
    assert.equal(fresh.meta.version, 5);
    assert.equal(fresh.data.status, 'SHIPPED');
    // the service does not write the detail key: the projection owns it
    const stored = JSON.parse((await h.redis.get(cacheKeys.detail(row.orderId))) ?? '{}') as OrderView;
    assert.equal(stored.version, 4);
    assert.ok((await metricValue(h.registry, 'query_cache_requests_total', { cache: 'detail', result: 'hit' })) >= 2);
  });

  it('sends an entry already in the served shape as stored, the same document the schema path writes', async () => {
    const row = await insert({ version: 3, payment: { paymentId: uniqueId('pay'), status: 'AUTHORIZED', amount: 2500 } });
    const view = expectedView(row);
    const url = `/api/v1/orders/${row.orderId}`;
    // as the projection writes it: exactly the served fields
    await h.redis.set(cacheKeys.detail(row.orderId), JSON.stringify(view), 'EX', 60);
    const asStored = await h.app.inject({ method: 'GET', url });
    assert.equal(asStored.statusCode, 200);
    assert.equal(asStored.headers['content-type'], 'application/json; charset=utf-8');
    assert.ok(asStored.body.includes(JSON.stringify(view)), 'the stored text is the body\'s data');
    const served: unknown = asStored.json();
    assert.deepEqual(served, { data: view, meta: { lastUpdated: view.updatedAt, version: 3, cached: true, stale: false } });

    // a field the API does not serve sends the entry through the schema: same document, field dropped
    await h.redis.set(cacheKeys.detail(row.orderId), JSON.stringify({ ...view, revision: 7 }), 'EX', 60);
    const viaSchema = await h.app.inject({ method: 'GET', url });
    assert.equal(viaSchema.headers['content-type'], asStored.headers['content-type']);
    assert.equal(viaSchema.body.includes('revision'), false);
    assert.deepEqual(viaSchema.json(), served);
  });

  it('ignores a cache entry it cannot serve and reads PostgreSQL', async () => {
    const row = await insert({ version: 2 });
    await h.redis.set(cacheKeys.detail(row.orderId), JSON.stringify({ orderId: row.orderId, version: 'two' }), 'EX', 60);
    const body = await getJson<Answer<OrderView>>(h.app, `/api/v1/orders/${row.orderId}`);
    assert.deepEqual(body.data, expectedView(row));
    assert.equal(body.meta.cached, false);
  });

  it('serves a list page from the cache until the generation moves, then reads PostgreSQL again', async () => {
    const customerId = uniqueId('cust');
    const first = await insert({ customerId, createdAt: '2024-02-01T00:00:00.000Z' });
    const url = `/api/v1/customers/${customerId}/orders`;
    const generation = Number((await h.redis.get(cacheKeys.listGeneration)) ?? 0);

    const miss = await getJson<Answer<OrderView[]>>(h.app, url);
    assert.deepEqual(miss.meta, { lastUpdated: first.updatedAt, version: generation, cached: false, stale: false });
    const second = await insert({ customerId, createdAt: '2024-02-02T00:00:00.000Z' });
    // no generation bump yet: the page cached under it is what the generation promised
    const hit = await getJson<Answer<OrderView[]>>(h.app, url);
    assert.deepEqual(hit.data, miss.data);
    assert.equal(hit.meta.cached, true);
    assert.equal(hit.meta.version, generation);

    await h.redis.incr(cacheKeys.listGeneration);
    const after = await getJson<Answer<OrderView[]>>(h.app, url);
    assert.equal(after.meta.cached, false);
    assert.equal(after.meta.version, generation + 1);
    assert.deepEqual(
      after.data.map((o) => o.orderId),
      [second.orderId, first.orderId],
    );
    assert.ok((await metricValue(h.registry, 'query_cache_requests_total', { cache: 'list', result: 'hit' })) >= 1);
  });
});
