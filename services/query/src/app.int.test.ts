import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, type Answer } from './testing/api-client.js';
import { metricValue, startQueryHarness, type QueryHarness } from './testing/query-harness.js';
import { deleteOrders, insertOrders, orderRow } from './testing/read-model-rows.js';
import type { OrderView } from './orders/order-view.js';

let h: QueryHarness;

before(async () => {
  h = await startQueryHarness();
});

after(() => h.close());

describe('query service surface', () => {
  it('publishes an OpenAPI document of every route with its parameters, and a docs page', async () => {
    const doc = await getJson<{ openapi: string; paths: Record<string, { get: { parameters?: { name: string; in: string }[] } }> }>(h.app, '/openapi.json');
    assert.equal(doc.openapi, '3.1.0');
    const params = (path: string) => new Set((doc.paths[path]?.get.parameters ?? []).map((p) => `${p.in}:${p.name}`));
    assert.deepEqual(params('/api/v1/orders/{orderId}'), new Set(['path:orderId', 'query:minVersion', 'query:maxWaitMs']));
    assert.deepEqual(params('/api/v1/orders/{orderId}/items'), new Set(['path:orderId', 'query:minVersion', 'query:maxWaitMs']));
    assert.deepEqual(
      params('/api/v1/orders'),
      new Set(['query:status', 'query:customerId', 'query:from', 'query:to', 'query:page', 'query:limit', 'query:sort']),
    );
    assert.deepEqual(params('/api/v1/orders/search'), new Set(['query:q', 'query:status', 'query:page', 'query:limit']));
    assert.deepEqual(params('/api/v1/orders/status/{status}'), new Set(['path:status', 'query:from', 'query:to', 'query:page', 'query:limit', 'query:sort']));
    assert.ok(params('/api/v1/customers/{customerId}/orders').has('path:customerId'));
    assert.deepEqual(params('/api/v1/analytics/sales'), new Set(['query:from', 'query:to', 'query:currency']));
    assert.deepEqual(params('/api/v1/inventory/{productId}'), new Set(['path:productId']));
    assert.equal(doc.paths['/health/ready'], undefined);
    assert.equal(doc.paths['/openapi.json'], undefined);

    const docs = await h.app.inject({ method: 'GET', url: '/docs' });
    const page = docs.statusCode === 302 ? await h.app.inject({ method: 'GET', url: String(docs.headers.location) }) : docs;
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger/i);
  });

  it('is ready while PostgreSQL answers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json<{ checks: Record<string, { status: string }> }>().checks['postgres']?.status, 'ok');
  });

  it('counts requests by route template and outcome', async () => {
    const route = '/api/v1/orders/:orderId';
    const before = {
      notFound: await metricValue(h.registry, 'query_requests_total', { route, outcome: 'not_found' }),
      invalid: await metricValue(h.registry, 'query_requests_total', { route, outcome: 'invalid' }),
    };
    await h.app.inject({ method: 'GET', url: `/api/v1/orders/ord-${crypto.randomUUID()}` });
    await h.app.inject({ method: 'GET', url: '/api/v1/orders/o-1?minVersion=0' });
    assert.equal(await metricValue(h.registry, 'query_requests_total', { route, outcome: 'not_found' }), before.notFound + 1);
    assert.equal(await metricValue(h.registry, 'query_requests_total', { route, outcome: 'invalid' }), before.invalid + 1);
    const text = await (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of ['query_request_duration_seconds', 'query_cache_requests_total', 'query_version_listener_connected']) {
      assert.ok(text.includes(name), name);
    }
    assert.equal(await metricValue(h.registry, 'query_version_listener_connected'), 1);
  });
});

describe('without Redis', () => {
  it('answers from PostgreSQL, stays ready and counts the cache errors', async () => {
    // nothing listens on port 1: every Redis call fails at once
    const degraded = await startQueryHarness({ redisUrl: 'redis://127.0.0.1:1' });
    const row = orderRow({ version: 2 });
    await insertOrders(degraded.pool, [row]);
    try {
      const detail = await getJson<Answer<OrderView>>(degraded.app, `/api/v1/orders/${row.orderId}?minVersion=2`);
      assert.equal(detail.data.orderId, row.orderId);
      assert.equal(detail.meta.cached, false);
      const list = await getJson<Answer<OrderView[]>>(degraded.app, `/api/v1/customers/${row.customerId}/orders`);
      assert.deepEqual(
        list.data.map((o) => o.orderId),
        [row.orderId],
      );
      assert.equal(list.meta.version, null);
      assert.equal(list.meta.cached, false);
      assert.equal((await degraded.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
      assert.equal(await metricValue(degraded.registry, 'query_cache_requests_total', { cache: 'detail', result: 'error' }), 1);
      assert.equal(await metricValue(degraded.registry, 'query_cache_requests_total', { cache: 'list', result: 'error' }), 1);
    } finally {
      await deleteOrders(degraded.pool, [row.orderId]);
      await degraded.close();
    }
  });
});
