import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createMetricsRegistry, type Logger, type MetricsRegistry } from '@orderflow/platform';
import { buildApp } from '../app.js';
import type { OrderViewCache, OrderViewReader } from '../orders/ports.js';
import type { OrderView } from '../orders/order-view.js';
import { orderViewFixture as view } from '../testing/order-view-fixture.js';
import { idleAppParts } from '../testing/idle-app-parts.js';


type Entry = { view: OrderView; json: string };
type Answer = { data: OrderView; meta: { lastUpdated: string | null; version: number | null; cached: boolean; stale: boolean } };

/** A cache whose entry the test replaces, as the projection would; PostgreSQL holds `stored`. */
async function appServing(first: Entry, stored: OrderView = first.view) {
  let entry = first;
  const cache: OrderViewCache = {
    getDetail: async (id) => (id === entry.view.orderId ? { ...entry, outcome: 'hit' } : { view: null, json: null, outcome: 'miss' }),
    listGeneration: async () => 0,
    getListPage: async () => ({ json: null, outcome: 'miss' }),
    putListPage: async () => {},
  };
  const orders: OrderViewReader = {
    find: async (id) => (id === stored.orderId ? stored : null),
    list: async () => ({ items: [], total: 0 }),
    search: async () => ({ items: [], total: 0 }),
  };
  const registry: MetricsRegistry = createMetricsRegistry('query-detail-test');
  const app = await buildApp({
    logger: pino({ level: 'silent' }) as Logger,
    metrics: registry,
    ...idleAppParts(),
    orders,
    cache,
  });
  const read = async (query = '') => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/orders/o-1${query}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body));
    return { text: res.body, answer: res.json<Answer>() };
  };
  const replace = (next: Entry) => {
    entry = next;
  };
  return { app, registry, read, replace };
}

const entryOf = (v: OrderView): Entry => ({ view: v, json: JSON.stringify(v) });

describe('order detail from the cache', () => {
  it('answers every read of an entry with the entry as stored and its freshness', async () => {
    const { app, read } = await appServing(entryOf(view));
    try {
      const first = await read();
      assert.deepEqual(first.answer, { data: view, meta: { lastUpdated: view.updatedAt, version: 3, cached: true, stale: false } });
      assert.equal(first.text, `{"data":${JSON.stringify(view)},"meta":{"lastUpdated":"${view.updatedAt}","version":3,"cached":true,"stale":false}}`);
      assert.equal((await read()).text, first.text);
    } finally {
      await app.close();
    }
  });

  it('answers with the new entry as soon as the cache holds it', async () => {
    const { app, read, replace } = await appServing(entryOf(view));
    try {
      await read();
      const shipped = { ...view, status: 'SHIPPED', version: 4, updatedAt: '2024-05-02T08:00:00.000Z' };
      replace(entryOf(shipped));
      assert.deepEqual((await read()).answer, { data: shipped, meta: { lastUpdated: shipped.updatedAt, version: 4, cached: true, stale: false } });
      // the same view object with another text is another entry: its own text is served
      const renamed = { ...view, customerId: 'c-2' };
      replace({ view, json: JSON.stringify(renamed) });
      assert.equal((await read()).answer.data.customerId, 'c-2');
    } finally {
      await app.close();
    }
  });

  it('serves minVersion beyond the entry from PostgreSQL, marked as not cached', async () => {
    const newer = { ...view, version: 5 };
    const { app, read } = await appServing(entryOf(view), newer);
    try {
      await read();
      const { answer } = await read('?minVersion=5');
      assert.equal(answer.data.version, 5);
      assert.deepEqual(answer.meta, { lastUpdated: newer.updatedAt, version: 5, cached: false, stale: false });
      assert.equal((await read()).answer.meta.cached, true);
    } finally {
      await app.close();
    }
  });

  it('counts each read in the request and cache metrics, exactly', async () => {
    const { app, registry, read } = await appServing(entryOf(view));
    try {
      for (let i = 0; i < 7; i++) await read();
      const missing = await app.inject({ method: 'GET', url: '/api/v1/orders/o-404' });
      assert.equal(missing.statusCode, 404);
      const text = await registry.metrics();
      const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').at(-1));
      assert.equal(value('query_requests_total{route="/api/v1/orders/:orderId",outcome="ok"'), 7);
      assert.equal(value('query_requests_total{route="/api/v1/orders/:orderId",outcome="not_found"'), 1);
      assert.equal(value('query_cache_requests_total{cache="detail",result="hit"'), 7);
      assert.equal(value('query_cache_requests_total{cache="detail",result="miss"'), 1);
      assert.equal(value('query_request_duration_seconds_count{service="query-detail-test",route="/api/v1/orders/:orderId"}'), 8);
      assert.ok(!text.includes('outcome="stale"'), 'a series shows only once it counted something');
      // a second collection adds nothing that was already added
      await read();
      const again = await registry.metrics();
      assert.ok(again.includes('query_requests_total{route="/api/v1/orders/:orderId",outcome="ok",service="query-detail-test"} 8'));
    } finally {
      await app.close();
    }
  });
});
