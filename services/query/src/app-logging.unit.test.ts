import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createMetricsRegistry, type Logger } from '@orderflow/platform';
import { buildApp, readLogLevel } from './app.js';
import type { OrderViewCache, OrderViewReader } from './orders/ports.js';
import { orderViewFixture as view } from './testing/order-view-fixture.js';
import { idleAppParts } from './testing/idle-app-parts.js';


/** In-memory read side: this file is about which requests write a log line, not about storage. */
const orders: OrderViewReader = {
  find: async (id) => (id === view.orderId ? view : null),
  list: async () => ({ items: [], total: 0 }),
  search: async () => ({ items: [], total: 0 }),
};
const cache: OrderViewCache = {
  getDetail: async (id) => (id === view.orderId ? { view, json: JSON.stringify(view), outcome: 'hit' } : { view: null, json: null, outcome: 'miss' }),
  listGeneration: async () => 0,
  getListPage: async () => ({ json: null, outcome: 'miss' }),
  putListPage: async () => {},
};

type Line = { level: number; event?: string; status?: number; url?: string };

async function appLoggingAt(level: string) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const logger = pino({ level }, sink) as Logger;
  const app = await buildApp({
    logger,
    metrics: createMetricsRegistry('query-logging-test'),
    ...idleAppParts(),
    orders,
    cache,
  });
  const requestLines = () => lines.filter((l) => l.event === 'http.request');
  return { app, requestLines };
}

describe('request log lines of the read API', () => {
  it('mutes only info: lower levels keep every line, higher ones are unchanged', () => {
    assert.equal(readLogLevel('info'), 'warn');
    for (const level of ['trace', 'debug', 'warn', 'error', 'silent']) assert.equal(readLogLevel(level), level);
  });

  it('at info, writes no line for a read that answered, and one at info for a read that failed', async () => {
    const { app, requestLines } = await appLoggingAt('info');
    try {
      const found = await app.inject({ method: 'GET', url: '/api/v1/orders/o-1' });
      assert.equal(found.statusCode, 200);
      assert.equal(requestLines().length, 0);
      const missing = await app.inject({ method: 'GET', url: '/api/v1/orders/o-404' });
      assert.equal(missing.statusCode, 404);
      const [line] = requestLines();
      assert.equal(requestLines().length, 1);
      assert.equal(line?.level, 30);
      assert.equal(line?.status, 404);
      assert.equal(line?.url, '/api/v1/orders/o-404');
      const invalid = await app.inject({ method: 'GET', url: '/api/v1/orders/o-1?minVersion=0' });
      assert.equal(invalid.statusCode, 400);
      assert.deepEqual(
        requestLines().map((l) => l.status),
        [404, 400],
      );
    } finally {
      await app.close();
    }
  });

  it('at debug, writes the line of every read', async () => {
    const { app, requestLines } = await appLoggingAt('debug');
    try {
      await app.inject({ method: 'GET', url: '/api/v1/orders/o-1' });
      await app.inject({ method: 'GET', url: '/api/v1/orders/o-404' });
      assert.deepEqual(
        requestLines().map((l) => l.status),
        [200, 404],
      );
    } finally {
      await app.close();
    }
  });
});
