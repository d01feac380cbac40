import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { testEnv } from './support/env.js';
import { createOrder, orderBody } from './support/orders.js';
import { startSystem, type System } from './support/system.js';

const ORDERS = Number(process.env.E2E_WRITE_ORDERS ?? 1000);
const CLIENTS = 4;

describe('write path: command service -> event store -> outbox relay -> Kafka', { timeout: 300_000 }, () => {
  let system: System;

  before(async () => {
    system = await startSystem({ services: ['command', 'outbox-relay'] });
  });
  after(async () => {
    await system?.shutdown();
  });

  it(`${ORDERS} orders from ${CLIENTS} concurrent clients: every acknowledged event is stored, on Kafka and decodable; the outbox drains`, async () => {
    const accepted: string[] = [];
    const failures: string[] = [];
    let next = 0;
    const client = async () => {
      while (next < ORDERS) {
        next++;
        try {
          accepted.push((await createOrder(system.url('command'), orderBody())).aggregateId);
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    assert.deepEqual(failures, []);
    assert.equal(accepted.length, ORDERS);

    // every acknowledged command's event is in the event store
    const stored = await system.pool.query<{ stream_id: string }>(
      "SELECT stream_id FROM events WHERE event_type = 'OrderCreated' AND stream_id = ANY($1)",
      [accepted.map((id) => `order-${id}`)],
    );
    assert.equal(stored.rowCount, ORDERS);

    // ... and on Kafka, decodable through the registry, keyed by aggregate, with metadata headers
    const kafka = new Kafka({ clientId: 'e2e-write', brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
    const registry = new SchemaRegistry({ host: testEnv.schemaRegistryUrl });
    const consumer = kafka.consumer({ groupId: `e2e-write-${randomUUID()}` });
    const seen = new Map<string, Record<string, unknown>>();
    const wanted = new Set(accepted);
    await consumer.connect();
    await consumer.subscribe({ topic: `${system.topicPrefix}orders.events`, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${ORDERS} orders reached Kafka`)), 120_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          if (headers['event-type'] !== 'OrderCreated') return;
          const data = JSON.parse(JSON.stringify(await registry.decode(message.value as Buffer))) as Record<string, unknown>;
          const orderId = String(data.orderId);
          assert.ok(headers['event-id'], 'event id header');
          assert.ok(headers['correlation-id'], 'correlation id header');
          assert.equal(headers['stream-version'], '1');
          assert.ok(message.key?.toString().includes(orderId), 'keyed by the aggregate');
          if (wanted.has(orderId)) seen.set(orderId, data);
          if (seen.size === wanted.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    assert.equal(seen.size, ORDERS);
    const sample = seen.get(accepted[0] ?? '');
    assert.equal(sample?.currency, 'EUR');
    assert.equal(sample?.totalAmount, 2500);

    // the outbox drains to empty
    const deadline = Date.now() + 30_000;
    let depth = -1;
    while (Date.now() < deadline) {
      depth = Number((await system.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]?.n);
      if (depth === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(depth, 0, 'outbox is empty');
  });
});
