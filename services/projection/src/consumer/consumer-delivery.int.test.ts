import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@orderflow/contracts';
import { buildApp } from '../app.js';
import { LIST_GENERATION_KEY, orderRevisionKey, orderViewKey } from '../adapters/redis/order-cache.js';
import { kafkaTestContext, waitForNoLag, type KafkaTestContext } from '../testing/kafka-context.js';
import { produceEvents } from '../testing/kafka-harness.js';
import { isolatedScenario, type Scenario } from '../testing/order-scenarios.js';
import { projectionInstance } from '../testing/projection-instance.js';
import { readModelChecksum } from '../testing/read-model-checksum.js';
import { recordAll } from '../testing/recorded-events.js';
import { migrateDatabase } from '../testing/test-env.js';
import { createLogger } from '@orderflow/platform';

describe('consuming the event topics', () => {
  let ctx: KafkaTestContext;
  let scenario: Scenario;
  let events: RecordedEvent[];

  before(async () => {
    await migrateDatabase();
    ctx = await kafkaTestContext();
    scenario = isolatedScenario(200);
    events = recordAll(scenario.events);
  });
  after(() => ctx.close());

  const checksum = () => readModelChecksum(ctx.pool, { ...scenario, streamIds: [...new Set(events.map((e) => e.streamId))] });

  it('every event of 200 orders delivered twice (produced twice, then replayed from offset 0) gives the models of one delivery', async () => {
    const groupId = `projection-test-${randomUUID()}`;
    const generationBefore = Number((await ctx.redis.get(LIST_GENERATION_KEY)) ?? 0);
    const instance = projectionInstance({ pool: ctx.pool, redis: ctx.redis, kafka: ctx.kafka, prefix: ctx.prefix, groupId });
    await produceEvents(ctx.producer, ctx.codec, ctx.prefix, events);
    await instance.start();
    try {
      await waitForNoLag(ctx, groupId);
      const once = await checksum();
      assert.equal(once['orders']?.rows, 200);
      assert.equal(once['inventory']?.rows, scenario.productIds.length);

      // the same messages a second time, then the whole topics again from offset 0
      await produceEvents(ctx.producer, ctx.codec, ctx.prefix, events);
      await waitForNoLag(ctx, groupId);
      const app = await buildApp({ logger: createLogger('test', 'silent'), metrics: instance.metrics, checks: [], admin: instance.admin });
      const replay = await app.inject({ method: 'POST', url: '/api/v1/admin/projections/replay' });
      assert.equal(replay.statusCode, 202, replay.body);
      await waitForNoLag(ctx, groupId);
      assert.deepEqual(await checksum(), once);

      const metrics = await instance.metrics.getSingleMetricAsString('projection_events_skipped_total');
      const duplicates = Number(/reason="duplicate"} (\d+)/.exec(metrics)?.[1] ?? 0);
      assert.ok(duplicates >= 2 * events.length, `skipped ${duplicates} duplicates of ${2 * events.length} redelivered events`);

      const status = await app.inject({ method: 'GET', url: '/api/v1/admin/projections' });
      const data = status.json().data;
      assert.equal(data.totalLag, 0);
      assert.equal(data.partitions.length, 4 * 6);
      assert.deepEqual(data.projections.map((p: { name: string }) => p.name), ['orders', 'inventory']);
      await app.close();
    } finally {
      await instance.stop();
    }

    for (const orderId of scenario.orderIds.slice(0, 20)) {
      const cached = JSON.parse((await ctx.redis.get(orderViewKey(orderId))) ?? 'null');
      assert.equal(cached?.version, scenario.expected.orderVersions.get(orderId), `cached detail of ${orderId}`);
      assert.equal(cached?.orderId, orderId);
      assert.ok(Number(await ctx.redis.get(orderRevisionKey(orderId))) > 0);
      assert.ok((await ctx.redis.ttl(orderViewKey(orderId))) > 0);
    }
    assert.ok(Number(await ctx.redis.get(LIST_GENERATION_KEY)) > generationBefore);
  });
});
