import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dlqTopicOf, KafkaHeaders, topicName, type RecordedEvent } from '@orderflow/contracts';
import { createPgEventStore } from '@orderflow/event-store';
import { createLogger } from '@orderflow/platform';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { orderViewKey } from '../adapters/redis/order-cache.js';
import { kafkaTestContext, waitForNoLag, type KafkaTestContext } from '../testing/kafka-context.js';
import { produce, readTopic, relayMessage } from '../testing/kafka-harness.js';
import { isolatedScenario } from '../testing/order-scenarios.js';
import { projectionInstance } from '../testing/projection-instance.js';
import { recordAll } from '../testing/recorded-events.js';
import { createPrivateDatabase, waitFor, type PrivateDatabase } from '../testing/test-env.js';

describe('a poison message', () => {
  let db: PrivateDatabase;
  let ctx: KafkaTestContext;
  let app: FastifyInstance;
  let instance: ReturnType<typeof projectionInstance>;
  const groupId = `projection-test-${randomUUID()}`;
  const scenario = isolatedScenario(3);
  const events = recordAll(scenario.events);
  const [a, b, c] = scenario.orderIds as [string, string, string];
  const ofOrder = (id: string) => events.filter((e) => e.streamId === `order-${id}`);
  const poisonBytes = Buffer.from('definitely not Confluent-framed Avro');

  const version = async (orderId: string) =>
    (await ctx.pool.query<{ version: number }>('SELECT version FROM order_views WHERE order_id = $1', [orderId])).rows[0]?.version ?? 0;

  before(async () => {
    db = await createPrivateDatabase(`poison_${randomUUID().slice(0, 8)}`);
    // one partition: A's poison sits between good events of A and B in the same log
    ctx = await kafkaTestContext({ partitions: 1, databaseUrl: db.url });
    instance = projectionInstance({ pool: ctx.pool, redis: ctx.redis, kafka: ctx.kafka, prefix: ctx.prefix, groupId });
    app = await buildApp({ logger: createLogger('test', 'silent'), metrics: instance.metrics, checks: [], admin: instance.admin });
  });
  after(async () => {
    await app.close();
    await instance.stop();
    await ctx.close();
    await db.drop();
  });

  it('is retried, dead-lettered with its headers, and parks only its aggregate while the consumer keeps going', async () => {
    const interleaved: RecordedEvent[] = [];
    const [orderA, orderB, orderC] = [ofOrder(a), ofOrder(b), ofOrder(c)];
    for (let i = 0; i < Math.max(orderA.length, orderB.length); i += 1) interleaved.push(...[orderA[i], orderB[i]].filter((e) => e !== undefined));
    const others = events.filter((e) => !e.streamId.startsWith('order-'));
    const messages = [];
    for (const e of [...others, ...interleaved]) {
      const m = await relayMessage(ctx.codec, ctx.prefix, e);
      // A's second event: bytes no schema registry framed
      messages.push(e.streamId === `order-${a}` && e.streamVersion === 2 ? { ...m, message: { ...m.message, value: poisonBytes } } : m);
    }
    // C's second event decodes but names another order: its handler refuses it
    for (const e of orderC) {
      messages.push(await relayMessage(ctx.codec, ctx.prefix, e.streamVersion === 2 ? { ...e, data: { ...e.data, orderId: 'not-c' } } : e));
    }
    await produce(ctx.producer, messages);
    await instance.start();
    await waitForNoLag(ctx, groupId);

    assert.equal(await version(b), scenario.expected.orderVersions.get(b), 'B complete');
    assert.equal(await version(a), 1, "A's events after the poison are not applied");
    assert.equal(await version(c), 1, "C's events after the refused one are not applied");
    const parked = await ctx.pool.query<{ stream_id: string; reason: string; n: number }>(
      `SELECT s.stream_id, s.reason, (SELECT count(*)::int FROM projection_parked_events e WHERE e.stream_id = s.stream_id) AS n
       FROM projection_parked_streams s ORDER BY s.stream_id`,
    );
    assert.deepEqual(
      parked.rows.map((r) => [r.stream_id, r.reason, r.n]).sort(),
      [
        [`order-${a}`, 'poison', orderA.length - 1],
        [`order-${c}`, 'poison', orderC.length - 1],
      ].sort(),
    );

    const dlq = await readTopic(ctx.kafka, dlqTopicOf(topicName('Order', ctx.prefix), 'projection'), 2);
    const poisoned = dlq.find((m) => m.headers[KafkaHeaders.streamId] === `order-${a}`);
    assert.ok(poisoned, 'A is dead-lettered');
    assert.deepEqual(poisoned.value, poisonBytes);
    assert.equal(poisoned.key, `order-${a}`);
    assert.equal(poisoned.headers[KafkaHeaders.streamVersion], '2');
    assert.equal(poisoned.headers[KafkaHeaders.eventType], orderA[1]?.type);
    assert.equal(poisoned.headers[KafkaHeaders.dlqAttempts], '2');
    assert.equal(poisoned.headers[KafkaHeaders.dlqSourceTopic], topicName('Order', ctx.prefix));
    assert.equal(poisoned.headers[KafkaHeaders.dlqSourcePartition], '0');
    assert.match(poisoned.headers[KafkaHeaders.dlqSourceOffset] ?? '', /^\d+$/);
    assert.match(poisoned.headers[KafkaHeaders.dlqError] ?? '', /\S/);
    assert.match(dlq.find((m) => m.headers[KafkaHeaders.streamId] === `order-${c}`)?.headers[KafkaHeaders.dlqError] ?? '', /names not-c/);

    // still consuming: a new order after the poison is applied
    const late = isolatedScenario(1);
    const lateEvents = recordAll(late.events);
    const lateMessages = [];
    for (const e of lateEvents) lateMessages.push(await relayMessage(ctx.codec, ctx.prefix, e));
    await produce(ctx.producer, lateMessages);
    const lateId = late.orderIds[0] ?? '';
    await waitFor('a later order', async () => ((await version(lateId)) === late.expected.orderVersions.get(lateId) ? true : undefined));

    const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/parked' });
    assert.deepEqual(listed.json().data.map((p: { streamId: string }) => p.streamId).sort(), [`order-${a}`, `order-${c}`].sort());
    const metrics = await instance.metrics.metrics();
    assert.match(metrics, /projection_parked_streams\{service="projection"\} 2|projection_parked_streams 2/);
    assert.match(metrics, /projection_dlq_messages_total\{topic="[^"]*orders\.events\.projection\.dlq"\} 2/);
  });

  it('retrying a parked aggregate fills the poison from the event store and applies the parked events in order', async () => {
    const url = `/api/v1/admin/parked/${encodeURIComponent(`order-${a}`)}/retry`;
    const unresolved = await app.inject({ method: 'POST', url });
    assert.equal(unresolved.statusCode, 409);
    assert.equal(unresolved.json().code, 'PARKED_GAP_UNRESOLVED');

    const store = createPgEventStore({ pool: ctx.pool });
    const orderA = ofOrder(a);
    await store.appendToStream(
      `order-${a}`,
      orderA.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata })),
      { streamType: 'Order', expectedVersion: 'no_stream' },
    );
    const view = await app.inject({ method: 'GET', url: `/api/v1/admin/streams/order-${a}/events` });
    assert.equal(view.statusCode, 200);
    assert.deepEqual(view.json().data.events.map((e: { type: string }) => e.type), orderA.map((e) => e.type));
    assert.deepEqual(view.json().data.projections, [{ name: 'orders', appliedVersion: 1, parked: true }]);

    const retried = await app.inject({ method: 'POST', url });
    assert.equal(retried.statusCode, 200, retried.body);
    assert.deepEqual(retried.json().data, [{ projection: 'orders', streamId: `order-${a}`, applied: orderA.length - 1, fromVersion: 2, toVersion: orderA.length }]);
    assert.equal(await version(a), scenario.expected.orderVersions.get(a));
    assert.equal(JSON.parse((await ctx.redis.get(orderViewKey(a))) ?? '{}').version, orderA.length);
    const left = await app.inject({ method: 'GET', url: '/api/v1/admin/parked' });
    assert.deepEqual(left.json().data.map((p: { streamId: string }) => p.streamId), [`order-${c}`]);
  });

  it('an aggregate that still fails stays parked', async () => {
    const retried = await app.inject({ method: 'POST', url: `/api/v1/admin/parked/order-${c}/retry` });
    assert.equal(retried.statusCode, 409);
    assert.equal(retried.json().code, 'PARKED_RETRY_FAILED');
    assert.equal(await version(c), 1);
    const notParked = await app.inject({ method: 'POST', url: `/api/v1/admin/parked/order-${b}/retry` });
    assert.equal(notParked.statusCode, 404);
  });
});
