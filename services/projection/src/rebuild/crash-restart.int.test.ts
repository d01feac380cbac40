import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { randomPort, spawnProjection, type ServiceProcess } from '../testing/child-process.js';
import { seedEventStore, readWholeStore } from '../testing/event-store-seed.js';
import { kafkaTestContext, waitForNoLag, type KafkaTestContext } from '../testing/kafka-context.js';
import { produceEvents } from '../testing/kafka-harness.js';
import { isolatedScenario } from '../testing/order-scenarios.js';
import { readModelChecksum } from '../testing/read-model-checksum.js';
import { recordAll } from '../testing/recorded-events.js';
import { createPrivateDatabase, testEnv, waitFor, type PrivateDatabase } from '../testing/test-env.js';

describe('a projection process killed mid-stream', () => {
  let db: PrivateDatabase;
  let ctx: KafkaTestContext;
  const running: ServiceProcess[] = [];

  before(async () => {
    db = await createPrivateDatabase(`crash_${randomUUID().slice(0, 8)}`);
    ctx = await kafkaTestContext({ partitions: 3, databaseUrl: db.url });
  });
  after(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    await ctx.close();
    await db.drop();
  });

  it('restarts without commit and ends with read models equal to a rebuild from the event store', { timeout: 120_000 }, async () => {
    const scenario = isolatedScenario(300);
    await seedEventStore(ctx.pool, recordAll(scenario.events));
    const published = await readWholeStore(ctx.pool);
    const half = Math.floor(published.length / 2);
    const port = randomPort();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: testEnv.redisUrl,
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: testEnv.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      KAFKA_GROUP_ID: `projection-test-${randomUUID()}`,
      HTTP_PORT: String(port),
      // the killed member holds its partitions until its session lapses
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '10000',
    };
    const count = async () => Number((await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM order_views')).rows[0]?.n);

    await produceEvents(ctx.producer, ctx.codec, ctx.prefix, published.slice(0, half));
    const doomed = spawnProjection(env);
    running.push(doomed);
    await waitFor('the first process to apply something', async () => ((await count()) > 0 ? true : undefined), 60_000, 10);
    doomed.child.kill('SIGKILL');
    assert.equal(await doomed.exited, null, 'killed, not exited');
    const atKill = await count();

    await produceEvents(ctx.producer, ctx.codec, ctx.prefix, published.slice(half));
    const restarted = spawnProjection(env);
    running.push(restarted);
    await waitForNoLag(ctx, env.KAFKA_GROUP_ID, 90_000);
    assert.ok(atKill < 300, `killed mid-stream (${atKill} of 300 orders applied)`);

    const scope = { ...scenario, streamIds: [...new Set(published.map((e) => e.streamId))] };
    const consumed = await readModelChecksum(ctx.pool, scope);
    assert.equal(consumed['orders']?.rows, 300);
    const rebuild = await fetch(`http://127.0.0.1:${port}/api/v1/admin/projections/rebuild?wait=true`, { method: 'POST' });
    assert.equal(rebuild.status, 200, await rebuild.clone().text());
    const report = ((await rebuild.json()) as { data: { report: { events: number; failedStreams: unknown[]; changedOrders: number } } }).data.report;
    assert.equal(report.events, published.length);
    assert.deepEqual(report.failedStreams, []);
    assert.equal(report.changedOrders, 0, 'the rebuild found nothing to change');
    assert.deepEqual(await readModelChecksum(ctx.pool, scope), consumed);

    restarted.child.kill('SIGTERM');
    assert.equal(await restarted.exited, 0, restarted.output());
  });
});
