import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ReadModelWriter } from '../adapters/postgres/read-model-writer.js';
import { kafkaTestContext, waitForNoLag, type KafkaTestContext } from '../testing/kafka-context.js';
import { produce, relayMessage } from '../testing/kafka-harness.js';
import { isolatedScenario } from '../testing/order-scenarios.js';
import { projectionInstance } from '../testing/projection-instance.js';
import { recordAll } from '../testing/recorded-events.js';
import { migrateDatabase } from '../testing/test-env.js';

const ORDERS = Number(process.env.PROJECTION_SCALE_ORDERS ?? 2_000);
const SESSION_TIMEOUT_MS = 6_000;

/** After its first commit the writer stalls well past the session timeout (a loaded machine delays the
 * coordinator too): its member is evicted holding applied, uncommitted batches. */
function stallingOnce(writer: ReadModelWriter): ReadModelWriter {
  let applies = 0;
  return {
    ...writer,
    async apply(envelopes) {
      const result = await writer.apply(envelopes);
      applies += 1;
      if (applies === 1) await new Promise((r) => setTimeout(r, SESSION_TIMEOUT_MS + 8_000));
      return result;
    },
  };
}

const metricTotal = (text: string, filter: (line: string) => boolean) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#') && filter(l))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);

describe('two projection instances in one consumer group', () => {
  let ctx: KafkaTestContext;

  before(async () => {
    await migrateDatabase();
    ctx = await kafkaTestContext({ partitions: 6 });
  });
  after(() => ctx.close());

  const one = async (sql: string, params: unknown[]) => Number((await ctx.pool.query<{ n: string | null }>(sql, params)).rows[0]?.n ?? 0);

  it(`share ${ORDERS} orders over 6 partitions; a member evicted mid-batch doubles no effect`, { timeout: 180_000 }, async () => {
    const scenario = isolatedScenario(ORDERS);
    const messages = [];
    for (const e of recordAll(scenario.events)) messages.push(await relayMessage(ctx.codec, ctx.prefix, e));
    await produce(ctx.producer, messages);
    const groupId = `projection-test-${randomUUID()}`;
    const options = { pool: ctx.pool, redis: ctx.redis, kafka: ctx.kafka, prefix: ctx.prefix, groupId, sessionTimeoutMs: SESSION_TIMEOUT_MS };
    const zombie = projectionInstance({ ...options, wrapWriter: stallingOnce });
    const healthy = projectionInstance(options);
    await Promise.all([zombie.start(), healthy.start()]);
    try {
      await waitForNoLag(ctx, groupId, 150_000);
    } finally {
      await Promise.all([zombie.stop(), healthy.stop()]);
    }

    const { expected, orderIds, customerIds, currency, days, productIds } = scenario;
    const rows = await ctx.pool.query<{ order_id: string; version: number }>('SELECT order_id, version FROM order_views WHERE order_id = ANY($1)', [orderIds]);
    assert.equal(rows.rowCount, ORDERS);
    for (const r of rows.rows) assert.equal(r.version, expected.orderVersions.get(r.order_id), r.order_id);
    const sales = [currency, days.from, days.to];
    assert.equal(await one('SELECT sum(orders) AS n FROM daily_sales WHERE currency = $1 AND day BETWEEN $2 AND $3', sales), expected.orders);
    assert.equal(await one('SELECT sum(revenue) AS n FROM daily_sales WHERE currency = $1 AND day BETWEEN $2 AND $3', sales), expected.revenue);
    assert.equal(await one('SELECT sum(cancellations) AS n FROM daily_sales WHERE currency = $1 AND day BETWEEN $2 AND $3', sales), expected.cancellations);
    assert.equal(await one('SELECT sum(order_count) AS n FROM customer_order_summaries WHERE customer_id = ANY($1)', [customerIds]), expected.orders);
    assert.equal(await one('SELECT sum(total_spent) AS n FROM customer_order_summaries WHERE customer_id = ANY($1)', [customerIds]), expected.spent);
    for (const productId of productIds) {
      const inv = await ctx.pool.query<{ available: number; reserved: number }>('SELECT available, reserved FROM inventory_views WHERE product_id = $1', [productId]);
      assert.deepEqual(inv.rows[0], expected.inventory.get(productId), productId);
    }

    // the evicted member's applied batches were delivered again, and skipped
    const texts = await Promise.all([zombie, healthy].map((i) => i.metrics.metrics()));
    const duplicates = metricTotal(texts.join('\n'), (l) => l.startsWith('projection_events_skipped_total') && l.includes('duplicate'));
    const applied = metricTotal(texts.join('\n'), (l) => l.startsWith('projection_events_applied_total'));
    assert.ok(duplicates > 0, 'some batches were delivered twice');
    assert.equal(applied, messages.length, 'each event applied exactly once across both members');
  });
});
