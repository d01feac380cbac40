import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPgEventStore } from '@orderflow/event-store';
import { createLogger, Redis } from '@orderflow/platform';
import pg from 'pg';
import { createReadModelWriter } from '../adapters/postgres/read-model-writer.js';
import { createOrderCache, orderRevisionKey, orderViewKey } from '../adapters/redis/order-cache.js';
import { seedEventStore } from '../testing/event-store-seed.js';
import { isolatedScenario } from '../testing/order-scenarios.js';
import { recordAll } from '../testing/recorded-events.js';
import { createPrivateDatabase, testEnv, testPool, type PrivateDatabase } from '../testing/test-env.js';
import { upcasting } from '../upcasting.js';
import { rebuildReadModels, type RebuildDeps } from './rebuild.js';

const ORDERS = 300;

describe('rebuilding the read models', () => {
  let db: PrivateDatabase;
  let pool: pg.Pool;
  let redis: Redis;
  let deps: RebuildDeps;

  before(async () => {
    db = await createPrivateDatabase(`rebuild_${randomUUID().slice(0, 8)}`);
    pool = testPool(db.url, 12);
    redis = new Redis(testEnv.redisUrl);
    const store = createPgEventStore({ pool, ...upcasting });
    deps = { pool, store, cache: createOrderCache(redis, 600), logger: createLogger('test', 'silent'), pageSize: 500, lockTimeoutMs: 2_000 };
    await seedEventStore(pool, recordAll(isolatedScenario(ORDERS).events));
    const first = await rebuildReadModels(deps);
    assert.equal(first.changedOrders, ORDERS);
  });
  after(async () => {
    await pool.end();
    redis.disconnect();
    await db.drop();
  });

  // one statement per table, as the query service reads: each holds one table's lock at a time
  const figures = async (client: pg.Pool | pg.PoolClient) => {
    const one = async (sql: string) => (await client.query<{ n: number }>(sql)).rows[0]?.n ?? -1;
    return {
      orders: await one('SELECT count(*)::int AS n FROM order_views'),
      customers: await one('SELECT coalesce(sum(order_count), 0)::int AS n FROM customer_order_summaries'),
      sales: await one('SELECT coalesce(sum(orders), 0)::int AS n FROM daily_sales'),
      versions: await one('SELECT count(*)::int AS n FROM projection_stream_versions'),
    };
  };

  const indexNames = async () =>
    (await pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'order_views' ORDER BY 1`)).rows.map((r) => r.indexname);

  it('swaps atomically: concurrent readers never see an empty or partial model, and writes made meanwhile survive', { timeout: 120_000 }, async () => {
    const before = await figures(pool);
    const indexesBefore = await indexNames();
    assert.equal(before.orders, ORDERS);

    // more orders arrive while the rebuild runs: in the store and applied by the live consumer's writer
    const extra = isolatedScenario(40);
    const extraEvents = recordAll(extra.events);
    let reading = true;
    const seen: Awaited<ReturnType<typeof figures>>[][] = [];
    const reader = async () => {
      const mine: Awaited<ReturnType<typeof figures>>[] = [];
      seen.push(mine);
      const client = await pool.connect();
      try {
        while (reading) mine.push(await figures(client));
      } finally {
        client.release();
      }
    };
    const readers = [reader(), reader(), reader()];
    const writing = (async () => {
      await seedEventStore(pool, extraEvents);
      await createReadModelWriter(pool).apply(extraEvents.map((event) => ({ event })));
    })();
    const reports = [];
    for (let i = 0; i < 3; i += 1) reports.push(await rebuildReadModels(deps));
    await writing;
    reading = false;
    await Promise.all(readers);

    const after = await figures(pool);
    assert.equal(after.orders, ORDERS + 40);
    assert.ok(seen.flat().length > 30, `readers observed ${seen.flat().length} times`);
    // each reader's figures only ever grow: no swap shows an empty, partial or older model
    for (const mine of seen) {
      mine.reduce((previous, s) => {
        for (const key of ['orders', 'customers', 'sales', 'versions'] as const) {
          assert.ok(s[key] >= previous[key], `${key} went from ${previous[key]} to ${s[key]}`);
        }
        return s;
      }, before);
    }
    assert.deepEqual(await indexNames(), indexesBefore);
    assert.deepEqual(reports.map((r) => r.failedStreams.length), [0, 0, 0]);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'rebuild\\_%' OR tablename LIKE '%\\_retired'`);
    assert.equal(rows[0]?.n, 0, 'no shadow or retired tables left behind');
  });

  it('puts right what drifted and fences stale cache writes', async () => {
    const { rows } = await pool.query<{ order_id: string; revision: string }>('SELECT order_id, revision::text FROM order_views LIMIT 1');
    const orderId = rows[0]?.order_id ?? '';
    const stale = rows[0]?.revision ?? '0';
    await pool.query(`UPDATE order_views SET status = 'PENDING', total_amount = 1 WHERE order_id = $1`, [orderId]);
    await redis.set(orderViewKey(orderId), JSON.stringify({ orderId, totalAmount: 1 }));
    const report = await rebuildReadModels(deps);
    assert.equal(report.changedOrders, 1);
    assert.equal((await pool.query('SELECT total_amount FROM order_views WHERE order_id = $1 AND total_amount <> 1', [orderId])).rowCount, 1);
    assert.equal(await redis.get(orderViewKey(orderId)), null, 'the drifted detail left the cache');
    // a writer still holding a pre-rebuild revision cannot put it back
    await deps.cache.publish([{ orderId, version: 1, revision: stale, detail: { orderId } as never }]);
    assert.equal(await redis.get(orderViewKey(orderId)), null);
    assert.ok(BigInt((await redis.get(orderRevisionKey(orderId))) ?? '0') > BigInt(stale));
  });

  it('runs one at a time', async () => {
    const results = await Promise.allSettled([rebuildReadModels(deps), rebuildReadModels(deps)]);
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(refused.length, 1);
    assert.equal((refused[0] as PromiseRejectedResult).reason.code, 'REBUILD_IN_PROGRESS');
  });
});
