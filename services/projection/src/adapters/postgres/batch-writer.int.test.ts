import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { OrderShippedData, RecordedEvent } from '@orderflow/contracts';
import type { Envelope, KafkaSource } from '../../envelope.js';
import { isolatedScenario, type Scenario } from '../../testing/order-scenarios.js';
import { readModelChecksum } from '../../testing/read-model-checksum.js';
import { recordAll } from '../../testing/recorded-events.js';
import { migrateDatabase, testEnv, testPool } from '../../testing/test-env.js';
import { createReadModelWriter } from './read-model-writer.js';

const pool = testPool();
const writer = createReadModelWriter(pool);

type Run = { scenario: Scenario; events: RecordedEvent[] };

function newRun(orders: number): Run {
  const scenario = isolatedScenario(orders);
  return { scenario, events: recordAll(scenario.events) };
}

const scope = ({ scenario, events }: Run) => ({ ...scenario, streamIds: [...new Set(events.map((e) => e.streamId))] });

// parked messages are unique per topic, partition and offset: a topic per process
const topic = `batch-writer-${randomUUID()}`;

const source = (event: RecordedEvent, offset: number): KafkaSource => ({
  topic,
  partition: 0,
  offset: String(offset),
  key: Buffer.from(event.streamId),
  value: Buffer.from(JSON.stringify(event.data)),
  headers: { 'stream-id': event.streamId },
});

const envelopes = (events: readonly RecordedEvent[]): Envelope[] => events.map((event, i) => ({ event, source: source(event, i) }));

/** A writer on a pool whose clients record every statement they send: one each, one round trip each. */
function countingWriter(): { writer: ReturnType<typeof createReadModelWriter>; sent: string[]; end: () => Promise<void> } {
  const counted = testPool(testEnv.databaseUrl, 2);
  const sent: string[] = [];
  counted.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const [first] = args;
      sent.push(typeof first === 'string' ? first : String((first as { text?: unknown }).text));
      return query(...args);
    }) as typeof client.query;
  });
  return { writer: createReadModelWriter(counted), sent, end: () => counted.end() };
}

async function sumOf(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

describe('batch writer (PostgreSQL)', () => {
  before(() => migrateDatabase());
  after(() => pool.end());

  it('applies a scenario once; a redelivery changes nothing', async () => {
    const run = newRun(20);
    const first = await writer.apply(envelopes(run.events));
    assert.equal(first.applied.length, run.events.length);
    assert.equal(first.changes.length > 0, true);
    const once = await readModelChecksum(pool, scope(run));
    const again = await writer.apply(envelopes(run.events));
    assert.equal(again.applied.length, 0);
    assert.equal(again.duplicates, run.events.length);
    assert.deepEqual(await readModelChecksum(pool, scope(run)), once);
    assert.equal(once['orders']?.rows, 20);
    for (const [orderId, version] of run.scenario.expected.orderVersions) {
      assert.equal(await sumOf('SELECT version AS n FROM order_views WHERE order_id = $1', [orderId]), version);
    }
  });

  it('stores the carrier OrderShipped recorded, and shows the Shipment stream\'s for events recorded without one', async () => {
    const run = newRun(20);
    await writer.apply(envelopes(run.events));
    const shipped = run.events.filter((e) => e.type === 'OrderShipped').map((e) => e.data as OrderShippedData);
    assert.ok(shipped.some((d) => d.carrier !== undefined) && shipped.some((d) => d.carrier === undefined), 'both shapes are exercised');
    for (const d of shipped) {
      const { rows } = await pool.query<{ shipped_carrier: string | null; shipment: { carrier: string | null; trackingNumber: string | null } }>(
        'SELECT shipped_carrier, shipment FROM order_views WHERE order_id = $1',
        [d.orderId],
      );
      assert.equal(rows[0]?.shipped_carrier, d.carrier ?? null);
      // the scenario's ShipmentCreated names carrier 'sim'
      assert.deepEqual(rows[0]?.shipment, { shipmentId: d.shipmentId, carrier: d.carrier ?? 'sim', trackingNumber: d.trackingNumber });
    }
  });

  it('two transactions applying the same batch at once (a zombie after a rebalance) apply it once', async () => {
    const run = newRun(30);
    const batch = envelopes(run.events);
    const [a, b] = await Promise.all([writer.apply(batch), writer.apply(batch)]);
    assert.equal(a.applied.length + b.applied.length, run.events.length);
    const { expected, customerIds, currency, productIds, days } = run.scenario;
    const sales = 'FROM daily_sales WHERE currency = $1 AND day BETWEEN $2 AND $3';
    assert.equal(await sumOf('SELECT sum(order_count) AS n FROM customer_order_summaries WHERE customer_id = ANY($1)', [customerIds]), expected.orders);
    assert.equal(await sumOf('SELECT sum(total_spent) AS n FROM customer_order_summaries WHERE customer_id = ANY($1)', [customerIds]), expected.spent);
    assert.equal(await sumOf(`SELECT sum(revenue) AS n ${sales}`, [currency, days.from, days.to]), expected.revenue);
    assert.equal(await sumOf(`SELECT sum(cancellations) AS n ${sales}`, [currency, days.from, days.to]), expected.cancellations);
    for (const productId of productIds) {
      assert.equal(await sumOf('SELECT reserved AS n FROM inventory_views WHERE product_id = $1', [productId]), expected.inventory.get(productId)?.reserved);
    }
  });

  it('a missing version parks the stream; its later events are stored, not applied; others flow', async () => {
    const run = newRun(2);
    const [a, b] = run.scenario.orderIds;
    const ofOrder = (id: string | undefined) => run.events.filter((e) => e.streamId === `order-${id}`);
    const rest = run.events.filter((e) => !e.streamId.startsWith('order-'));
    const withoutSecond = ofOrder(a).filter((e) => e.streamVersion !== 2);
    const result = await writer.apply(envelopes([...rest, ...withoutSecond, ...ofOrder(b)]));
    assert.deepEqual(result.newlyParked.map((p) => [p.projection, p.streamId, p.reason]), [['orders', `order-${a}`, 'gap']]);
    assert.equal(result.parked.length, withoutSecond.length - 1);
    assert.equal(await sumOf('SELECT version AS n FROM order_views WHERE order_id = $1', [a]), 1);
    assert.equal(await sumOf('SELECT version AS n FROM order_views WHERE order_id = $1', [b]), ofOrder(b).length);
    assert.equal(await sumOf('SELECT count(*) AS n FROM projection_parked_events WHERE stream_id = $1', [`order-${a}`]), withoutSecond.length - 1);
  });

  it('an event that cannot be applied defers the rest of its stream and only that', async () => {
    const run = newRun(2);
    const [a, b] = run.scenario.orderIds;
    const corrupt = run.events.map((e) =>
      e.streamId === `order-${a}` && e.streamVersion === 2 ? { ...e, data: { ...e.data, orderId: 'someone-else' } } : e,
    );
    const result = await writer.apply(envelopes(corrupt));
    assert.equal(result.failures.length, 1);
    assert.match(result.failures[0]?.error.message ?? '', /names someone-else/);
    assert.deepEqual(
      result.deferred.map((d) => d.event.streamVersion),
      run.events.filter((e) => e.streamId === `order-${a}` && e.streamVersion >= 2).map((e) => e.streamVersion),
    );
    assert.equal(await sumOf('SELECT version AS n FROM order_views WHERE order_id = $1', [a]), 1);
    assert.equal(await sumOf('SELECT version AS n FROM order_views WHERE order_id = $1', [b]), run.scenario.expected.orderVersions.get(b ?? ''));
  });

  it('notifies order_view_updated with <orderId>:<version> when the batch commits', async () => {
    const run = newRun(1);
    const listener = new pg.Client({ connectionString: testEnv.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN order_view_updated');
    try {
      await writer.apply(envelopes(run.events));
      const orderId = run.scenario.orderIds[0] ?? '';
      const expected = `${orderId}:${run.scenario.expected.orderVersions.get(orderId)}`;
      const deadline = Date.now() + 5_000;
      while (!heard.includes(expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(heard.includes(expected), `heard ${heard.filter((h) => h.startsWith(orderId)).join(', ')}`);
    } finally {
      await listener.end();
    }
  });

  it('a batch costs four round trips: BEGIN with the locks, one read, one write with the NOTIFYs, COMMIT', async () => {
    const counting = countingWriter();
    try {
      // orders, payments, shipments and inventory: every read-model table is read and written
      const run = newRun(20);
      const first = await counting.writer.apply(envelopes(run.events));
      assert.equal(first.applied.length, run.events.length);
      assert.deepEqual(
        counting.sent.map((text) => text.trim().split(/\s/)[0]),
        ['BEGIN;', 'SELECT', 'WITH', 'COMMIT'],
        counting.sent.join('\n----\n'),
      );
      // a redelivery has nothing to write
      counting.sent.length = 0;
      const again = await counting.writer.apply(envelopes(run.events));
      assert.equal(again.duplicates, run.events.length);
      assert.equal(counting.sent.length, 3, counting.sent.join('\n----\n'));
      // parking a gap is written with the effects
      counting.sent.length = 0;
      const gap = newRun(1);
      const parked = await counting.writer.apply(envelopes(gap.events.filter((e) => !(e.streamId.startsWith('order-') && e.streamVersion === 2))));
      assert.equal(parked.newlyParked.length, 1);
      assert.equal(counting.sent.length, 4, counting.sent.join('\n----\n'));
    } finally {
      await counting.end();
    }
  });
});
