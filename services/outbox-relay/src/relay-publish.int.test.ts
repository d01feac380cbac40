import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventSchemas, inventoryStreamId, KafkaHeaders, orderStreamId } from '@orderflow/contracts';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import { createEventCodec, createSchemaRegistry } from '@orderflow/platform';
import { collectMessages, testRegistryUrl } from './testing/kafka-test-kit.js';
import { orderProblems } from './testing/order-check.js';
import { relayEnvironment } from './testing/relay-environment.js';
import { metricTotal, startInProcessRelay } from './testing/relay-process.js';
import { appendOrderEvent, orderEvent, orderStore, outboxDepth, testMetadata, waitFor } from './testing/test-events.js';

type StoredRow = { global_position: string; event_id: string; stream_version: number; data: object; metadata: Record<string, string>; recorded_at: Date };

describe('outbox relay: publishing', () => {
  it('publishes events of several aggregates, decodable through the registry, with every header, and drains the outbox', async (t) => {
    const { db, kafka, prefix, defer } = await relayEnvironment(t);
    const store = orderStore(db.pool);
    const orders = Array.from({ length: 5 }, () => randomUUID());
    for (let version = 1; version <= 4; version += 1) {
      await Promise.all(orders.map((id) => appendOrderEvent(store, id, version)));
    }
    const sku = `SKU-${randomUUID()}`;
    const stock = { ...eventFixtures.StockReplenished, data: { ...eventFixtures.StockReplenished.data, productId: sku } };
    await store.appendToStream(inventoryStreamId(sku), [{ ...stock, metadata: testMetadata() }], { streamType: 'Inventory', expectedVersion: 0 });

    const collector = await collectMessages(kafka, prefix);
    defer(() => collector.stop());
    const relay = await startInProcessRelay({ databaseUrl: db.url, topicPrefix: prefix, pollIntervalMs: 200, batchSize: 7 });
    defer(() => relay.stop());

    await collector.until((m) => m.length >= 21);
    await waitFor(async () => (await outboxDepth(db.pool)) === 0, 10_000, 'outbox drained');
    assert.equal(await metricTotal(relay.metrics, 'outbox_relay_events_published_total'), 21);

    const { rows } = await db.pool.query<StoredRow>(
      'SELECT global_position::text, event_id::text, stream_version, data, metadata, recorded_at FROM events',
    );
    const stored = new Map(rows.map((r) => [r.event_id, r]));
    const codec = createEventCodec(createSchemaRegistry(testRegistryUrl), eventSchemas);
    for (const message of collector.messages) {
      const h = message.headers;
      const row = stored.get(h[KafkaHeaders.eventId] ?? '');
      assert.ok(row, `message ${h[KafkaHeaders.eventId]} matches a stored event`);
      assert.equal(message.key, h[KafkaHeaders.streamId]);
      assert.equal(message.topic, `${prefix}${h[KafkaHeaders.streamType] === 'Order' ? 'orders' : 'inventory'}.events`);
      assert.deepEqual(await codec.decode(message.value), row.data);
      assert.equal(h[KafkaHeaders.schemaVersion], '1');
      assert.equal(h[KafkaHeaders.streamVersion], String(row.stream_version));
      assert.equal(h[KafkaHeaders.globalPosition], row.global_position);
      assert.equal(h[KafkaHeaders.recordedAt], row.recorded_at.toISOString());
      assert.equal(h[KafkaHeaders.correlationId], row.metadata.correlationId);
      assert.equal(h[KafkaHeaders.causationId], row.metadata.causationId);
      assert.equal(h[KafkaHeaders.traceparent], row.metadata.traceparent);
      assert.equal(h[KafkaHeaders.tracestate], row.metadata.tracestate);
      assert.ok(['OrderCreated', 'OrderItemAdded', 'StockReplenished'].includes(h[KafkaHeaders.eventType] ?? ''));
    }
    const expected = new Map([...orders.map((id) => [orderStreamId(id), 4] as const), [inventoryStreamId(sku), 1]]);
    assert.deepEqual(orderProblems(collector.messages, expected, { allowRepeats: false }), []);
  });

  it('is woken by NOTIFY: an append reaches Kafka well before the 10 s poll', async (t) => {
    const { db, kafka, prefix, defer } = await relayEnvironment(t);
    const store = orderStore(db.pool);
    const collector = await collectMessages(kafka, prefix);
    defer(() => collector.stop());
    const relay = await startInProcessRelay({ databaseUrl: db.url, topicPrefix: prefix, pollIntervalMs: 10_000, lockIntervalMs: 10_000 });
    defer(() => relay.stop());
    // every partition has done its first (empty) read and sleeps on the poll timer
    await new Promise((r) => setTimeout(r, 300));

    for (let version = 1; version <= 3; version += 1) {
      const orderId = randomUUID();
      const appendedAt = Date.now();
      await appendOrderEvent(store, orderId, 1);
      await collector.until((m) => m.some((msg) => msg.key === orderStreamId(orderId)), 15_000);
      const sent = collector.messages.find((msg) => msg.key === orderStreamId(orderId));
      // the producer stamps the record when the relay sends it
      const latency = (sent?.timestamp ?? Infinity) - appendedAt;
      assert.ok(latency < 2_000, `append ${version} reached Kafka after ${latency} ms`);
    }
  });

  it('parks events it cannot publish without holding back later events of their partition', async (t) => {
    const { db, kafka, prefix, defer } = await relayEnvironment(t);
    const store = orderStore(db.pool);
    const candidates = Array.from({ length: 200 }, () => randomUUID());
    const { rows } = await db.pool.query<{ id: string; p: number }>(
      `SELECT id, outbox_partition('order-' || id) AS p FROM unnest($1::text[]) AS id`,
      [candidates],
    );
    const partition = rows[0]?.p;
    const [unknownType, badData, healthyA, healthyB] = rows.filter((r) => r.p === partition).map((r) => r.id);
    assert.ok(unknownType && badData && healthyA && healthyB, 'four orders share one outbox partition');

    await store.appendToStream(orderStreamId(unknownType), [{ type: 'OrderTeleported', data: { orderId: unknownType }, metadata: testMetadata() }], {
      streamType: 'Order',
      expectedVersion: 0,
    });
    await store.appendToStream(orderStreamId(badData), [{ type: 'OrderCreated', data: { orderId: badData, totalAmount: 'lots' }, metadata: testMetadata() }], {
      streamType: 'Order',
      expectedVersion: 0,
    });
    // the same aggregate goes on after its malformed event: only that event is out of order
    await store.appendToStream(orderStreamId(unknownType), [orderEvent(unknownType, 2)], { streamType: 'Order', expectedVersion: 1 });
    for (const id of [healthyA, healthyB]) {
      await appendOrderEvent(store, id, 1);
      await appendOrderEvent(store, id, 2);
    }

    const collector = await collectMessages(kafka, prefix);
    defer(() => collector.stop());
    const relay = await startInProcessRelay({ databaseUrl: db.url, topicPrefix: prefix, pollIntervalMs: 200, batchSize: 2 });
    defer(() => relay.stop());

    await collector.until((m) => m.length >= 5);
    await waitFor(async () => (await outboxDepth(db.pool)) === 0, 10_000, 'outbox drained');
    const published = collector.messages.map((m) => `${m.key}@${m.headers[KafkaHeaders.streamVersion]}`).sort();
    const expected = [
      `${orderStreamId(unknownType)}@2`,
      `${orderStreamId(healthyA)}@1`,
      `${orderStreamId(healthyA)}@2`,
      `${orderStreamId(healthyB)}@1`,
      `${orderStreamId(healthyB)}@2`,
    ].sort();
    assert.deepEqual(published, expected);

    const parked = await db.pool.query<{ stream_id: string; reason: string; error: string }>(
      'SELECT stream_id, reason, error FROM outbox_parked ORDER BY outbox_id',
    );
    assert.deepEqual(
      parked.rows.map((r) => [r.stream_id, r.reason]),
      [
        [orderStreamId(unknownType), 'UNKNOWN_EVENT_TYPE'],
        [orderStreamId(badData), 'SCHEMA_REJECTED_DATA'],
      ],
    );
    assert.match(parked.rows[1]?.error ?? '', /totalAmount/);
    assert.equal(await metricTotal(relay.metrics, 'outbox_relay_events_parked_total'), 2);
    await waitFor(async () => (await metricTotal(relay.metrics, 'outbox_relay_parked_depth')) === 2, 5_000, 'parked depth sampled');
  });
});
