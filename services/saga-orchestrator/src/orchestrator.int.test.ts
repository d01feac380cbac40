import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OrderCreatedData } from '@orderflow/contracts';
import { createSagaEnvironment, newOrder, sagaOfOrder, startTestOrchestrator, type SagaEnvironment, type TestOrchestrator } from './testing/orchestrator-kit.js';
import { randomUUID } from 'node:crypto';
import { dlqTopicOf, KafkaHeaders, topicName } from '@orderflow/contracts';
import type { Kafka } from 'kafkajs';
import { traceparentOf } from './testing/kafka-kit.js';
import { waitFor } from './testing/test-database.js';

/** The first message of a topic, read by a consumer group of its own. */
async function readOne(kafka: Kafka, topic: string) {
  const consumer = kafka.consumer({ groupId: `saga-test-reader-${randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<{ key: string; value: string; headers: Record<string, string> }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing on ${topic}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          resolve({ key: String(message.key), value: String(message.value), headers });
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The orchestrator end to end within this process: real PostgreSQL, Kafka and registry,
 * with a fake command service publishing result events. One orchestrator serves every
 * scenario here; each scenario picks its outcome through its order's data.
 */
describe('order saga orchestrator', () => {
  let env: SagaEnvironment;
  let orchestrator: TestOrchestrator;

  before(async () => {
    env = await createSagaEnvironment();
    orchestrator = await startTestOrchestrator(env);
  });
  after(async () => {
    await orchestrator?.stop();
    await env?.close();
  });

  const endsAs = async (order: OrderCreatedData, status: string, timeoutMs = 20_000) => {
    await waitFor(async () => (await sagaOfOrder(env.db.pool, order.orderId))?.status === status, timeoutMs, `saga of ${order.orderId} ${status}`);
    const saga = await sagaOfOrder(env.db.pool, order.orderId);
    assert.ok(saga);
    return saga;
  };
  const run = async (order: OrderCreatedData, status: string) => {
    await orchestrator.fake.createOrder(order);
    return endsAs(order, status);
  };
  const historyOf = async (sagaId: string) =>
    (await env.db.pool.query<{ event_type: string }>('SELECT event_type FROM saga_steps WHERE saga_id = $1 ORDER BY seq', [sagaId])).rows.map(
      (r) => r.event_type,
    );
  const commandRows = async (sagaId: string) =>
    (
      await env.db.pool.query<{ command_type: string; status: string; attempts: number }>(
        'SELECT command_type, status, attempts FROM saga_commands WHERE saga_id = $1 ORDER BY created_at, command_id',
        [sagaId],
      )
    ).rows;

  it('runs the happy path: reserve, authorize, ship, confirm', async () => {
    const order = newOrder();
    const eventId = await orchestrator.fake.createOrder(order);
    const saga = await endsAs(order, 'COMPLETED');
    const { rows } = await env.db.pool.query<{ traceparent: string }>(
      `SELECT traceparent FROM saga_commands WHERE command_id = $1`,
      [`${saga.sagaId}:reserve_inventory`],
    );
    assert.equal(rows[0]?.traceparent, traceparentOf(eventId), 'the command continues the trace of OrderCreated');
    assert.deepEqual(orchestrator.fake.accepted(saga.sagaId), ['ReserveInventory', 'AuthorizePayment', 'CreateShipment', 'ConfirmOrder']);
    assert.deepEqual(await historyOf(saga.sagaId), [
      'SagaStarted',
      'StepStarted',
      'InventoryLineReserved',
      'InventoryLineReserved',
      'StepSucceeded',
      'StepStarted',
      'StepSucceeded',
      'StepStarted',
      'StepSucceeded',
      'StepStarted',
      'StepSucceeded',
      'SagaCompleted',
    ]);
    assert.ok((await commandRows(saga.sagaId)).every((c) => c.status === 'SENT' && c.attempts === 1));
    const detail = await orchestrator.app.inject({ method: 'GET', url: `/api/v1/admin/sagas/${saga.sagaId}` });
    assert.equal(detail.statusCode, 200);
    const body = detail.json<{ status: string; orderId: string; deadline: unknown; steps: unknown[]; completedSteps: string[] }>();
    assert.equal(body.status, 'COMPLETED');
    assert.equal(body.orderId, order.orderId);
    assert.equal(body.deadline, null);
    assert.equal(body.steps.length, 12);
    assert.deepEqual(body.completedSteps, ['reserve_inventory', 'authorize_payment', 'create_shipment', 'confirm_order']);
  });

  it('cancels the order, releasing nothing, when stock is short', async () => {
    const order = newOrder({ items: [{ productId: `SHORT-${Date.now()}`, quantity: 3, unitPrice: 100 }], totalAmount: 300 });
    const saga = await run(order, 'COMPENSATED');
    assert.deepEqual(orchestrator.fake.accepted(saga.sagaId), ['ReserveInventory', 'CancelOrder']);
  });

  it('releases the inventory, then cancels the order, when the payment is declined', async () => {
    const saga = await run(newOrder({ paymentMethod: { type: 'card', token: 'tok_declined' } }), 'COMPENSATED');
    assert.deepEqual(orchestrator.fake.accepted(saga.sagaId), ['ReserveInventory', 'AuthorizePayment', 'ReleaseInventory', 'CancelOrder']);
  });

  it('voids, releases and cancels, newest first, when the address cannot be shipped to', async () => {
    const order = newOrder({ shippingAddress: { line1: 'Nowhere 1', city: 'Nowhere', postalCode: '00000', country: 'XX' } });
    const saga = await run(order, 'COMPENSATED');
    assert.deepEqual(orchestrator.fake.accepted(saga.sagaId), [
      'ReserveInventory',
      'AuthorizePayment',
      'CreateShipment',
      'VoidPayment',
      'ReleaseInventory',
      'CancelOrder',
    ]);
    const detail = (await orchestrator.app.inject({ method: 'GET', url: `/api/v1/admin/sagas/${saga.sagaId}` })).json<{
      failure: { step: string; code: string };
      compensationLog: { step: string; status: string }[];
    }>();
    assert.deepEqual(detail.failure.step, 'create_shipment');
    assert.equal(detail.failure.code, 'UNSERVICEABLE_ADDRESS');
    assert.deepEqual(
      detail.compensationLog.filter((e) => e.status === 'succeeded').map((e) => e.step),
      ['void_payment', 'release_inventory', 'cancel_order'],
    );
  });

  it('starts no second saga when OrderCreated is delivered again', async () => {
    const order = newOrder();
    const eventId = await orchestrator.fake.createOrder(order);
    await env.publish({ type: 'OrderCreated', data: order }, { eventId, streamVersion: 1 });
    // re-published under a new event id, as after a relay crash between send and mark
    const republished = await env.publish({ type: 'OrderCreated', data: order }, { streamVersion: 1 });
    const saga = await endsAs(order, 'COMPLETED');
    await waitFor(
      async () =>
        (await env.db.pool.query('SELECT 1 FROM saga_processed_events WHERE event_id = $1', [republished])).rowCount === 1,
      10_000,
      'the re-published OrderCreated consumed',
    );
    const { rows } = await env.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM saga_instances WHERE order_id = $1', [order.orderId]);
    assert.equal(Number(rows[0]?.n), 1);
    assert.deepEqual(orchestrator.fake.accepted(saga.sagaId), ['ReserveInventory', 'AuthorizePayment', 'CreateShipment', 'ConfirmOrder']);
    assert.equal(orchestrator.fake.calls.filter((c) => c.commandId.endsWith(':reserve_inventory') && c.commandId.startsWith(saga.sagaId)).length, 1);
  });

  it('retries a transient failure with backoff, then carries on', async () => {
    const saga = await run(newOrder({ paymentMethod: { type: 'card', token: 'tok_flaky' } }), 'COMPLETED');
    const authorizations = orchestrator.fake.callsOf(saga.sagaId).filter((c) => c.type === 'AuthorizePayment');
    assert.deepEqual(
      authorizations.map((c) => c.ok),
      [false, false, true],
    );
    assert.equal(new Set(authorizations.map((c) => c.commandId)).size, 1, 'every retry is the same command');
    const authorize = (await commandRows(saga.sagaId)).find((c) => c.command_type === 'AuthorizePayment');
    assert.deepEqual(authorize, { command_type: 'AuthorizePayment', status: 'SENT', attempts: 3 });
  });

  it('compensates, voiding the authorization it never heard of, once the retry budget is spent', async () => {
    const saga = await run(newOrder({ paymentMethod: { type: 'card', token: 'tok_down' } }), 'COMPENSATED');
    const calls = orchestrator.fake.callsOf(saga.sagaId);
    assert.deepEqual(
      calls.map((c) => `${c.type}:${c.ok}`),
      [
        'ReserveInventory:true',
        'AuthorizePayment:false',
        'AuthorizePayment:false',
        'AuthorizePayment:false',
        // nothing was authorized: the void is refused as not found, which settles it
        'VoidPayment:false',
        'ReleaseInventory:true',
        'CancelOrder:true',
      ],
    );
  });

  it('lists a compensation that keeps failing as stuck while 100 other sagas complete', async () => {
    const stuckOrder = newOrder({
      paymentMethod: { type: 'card', token: 'tok_void_fails' },
      shippingAddress: { line1: 'Nowhere 1', city: 'Nowhere', postalCode: '00000', country: 'XX' },
    });
    await orchestrator.fake.createOrder(stuckOrder);
    const stuck = await (async () => {
      await waitFor(async () => ((await sagaOfOrder(env.db.pool, stuckOrder.orderId))?.attempts ?? 0) >= 2, 20_000, 'the void retried');
      return (await sagaOfOrder(env.db.pool, stuckOrder.orderId))!;
    })();

    const others = Array.from({ length: 100 }, () => newOrder({ items: [{ productId: `SKU-${Math.random()}`, quantity: 1, unitPrice: 500 }], totalAmount: 500 }));
    await Promise.all(others.map((o) => orchestrator.fake.createOrder(o)));
    const completed = async () =>
      Number(
        (
          await env.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM saga_instances WHERE order_id = ANY($1) AND status = 'COMPLETED'`, [
            others.map((o) => o.orderId),
          ])
        ).rows[0]?.n,
      );
    await waitFor(async () => (await completed()) === 100, 90_000, '100 sagas completed');

    const now = await sagaOfOrder(env.db.pool, stuckOrder.orderId);
    assert.equal(now?.status, 'COMPENSATING');
    assert.equal(now?.currentStep, 'void_payment');
    assert.ok((now?.attempts ?? 0) > stuck.attempts, 'the void kept being retried meanwhile');
    assert.match(now?.lastError ?? '', /GATEWAY_UNAVAILABLE/);

    // stuck is a matter of time: the 100 others may well have finished within the second
    type Listed = { items: { sagaId: string; lastError: string; attempts: number; currentStep: string }[] };
    let items: Listed['items'] = [];
    await waitFor(
      async () => {
        const list = await orchestrator.app.inject({ method: 'GET', url: '/api/v1/admin/sagas?status=COMPENSATING&stuckForSeconds=1' });
        assert.equal(list.statusCode, 200);
        items = list.json<Listed>().items;
        return items.length > 0;
      },
      10_000,
      'a saga listed as stuck for a second',
    );
    assert.deepEqual(
      items.map((i) => i.sagaId),
      [stuck.sagaId],
    );
    assert.equal(items[0]?.currentStep, 'void_payment');
    assert.ok((items[0]?.attempts ?? 0) >= 2);
    const metrics = await orchestrator.metrics.getSingleMetricAsString('saga_stuck');
    assert.match(metrics, /^saga_stuck\{[^}]*\} 1$/m);
    const completedTotal = await orchestrator.metrics.getSingleMetric('saga_completed_total')?.get();
    assert.ok((completedTotal?.values[0]?.value ?? 0) >= 100);
  });

  it('parks an event it cannot decode in the dead-letter topic, and the partition flows on', async () => {
    const order = newOrder();
    const topic = topicName('Order', env.prefix);
    await env.producer.send({
      topic,
      messages: [{ key: order.orderId, value: Buffer.from('not avro'), headers: { [KafkaHeaders.eventType]: 'OrderCreated', [KafkaHeaders.eventId]: randomUUID() } }],
    });
    const parked = await readOne(env.kafka, dlqTopicOf(topic, 'saga'));
    assert.equal(parked.key, order.orderId);
    assert.equal(parked.value, 'not avro');
    assert.equal(parked.headers[KafkaHeaders.dlqAttempts], '2');
    assert.equal(parked.headers[KafkaHeaders.dlqSourceTopic], topic);
    assert.ok(parked.headers[KafkaHeaders.dlqError]);
    // the same key, so the same partition: it was not held up by the poison message
    await run(order, 'COMPLETED');
  });

  it('answers 404 for an unknown saga and 400 for a malformed filter', async () => {
    const missing = await orchestrator.app.inject({ method: 'GET', url: '/api/v1/admin/sagas/6f1c1c1e-0000-4000-8000-000000000000' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ code: string }>().code, 'SAGA_NOT_FOUND');
    const bad = await orchestrator.app.inject({ method: 'GET', url: '/api/v1/admin/sagas?status=SLEEPING' });
    assert.equal(bad.statusCode, 400);
    const notUuid = await orchestrator.app.inject({ method: 'GET', url: '/api/v1/admin/sagas/not-a-uuid' });
    assert.equal(notUuid.statusCode, 400);
  });
});
