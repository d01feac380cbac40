import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { createFakeCommandService } from './testing/fake-command-service.js';
import { createSagaEnvironment, newOrder, sagaOfOrder, startTestOrchestrator, type SagaEnvironment, type TestOrchestrator } from './testing/orchestrator-kit.js';
import { waitFor } from './testing/test-database.js';

/**
 * A killed orchestrator and its successor over the same database and consumer group:
 * what the first left behind (a passed deadline, a command not yet sent) is picked up
 * by the second from the rows alone.
 */
describe('orchestrator restart', () => {
  let env: SagaEnvironment;
  const running: TestOrchestrator[] = [];

  before(async () => {
    env = await createSagaEnvironment();
  });
  // every orchestrator serves the whole database: none may outlive its test
  afterEach(async () => {
    for (const o of running.splice(0)) await o.stop().catch(() => {});
  });
  after(async () => {
    await env?.close();
  });

  const start = async (options: Parameters<typeof startTestOrchestrator>[1]) => {
    const o = await startTestOrchestrator(env, options);
    running.push(o);
    return o;
  };
  const stop = async (o: TestOrchestrator) => {
    running.splice(running.indexOf(o), 1);
    await o.stop();
  };
  const stepEvents = async (sagaId: string) =>
    (
      await env.db.pool.query<{ event_type: string; data: { code?: string } }>(
        'SELECT event_type, data FROM saga_steps WHERE saga_id = $1 ORDER BY seq',
        [sagaId],
      )
    ).rows;

  const historyAt = async (sagaId: string, type: string) =>
    (await env.db.pool.query<{ occurred_at: Date }>('SELECT occurred_at FROM saga_steps WHERE saga_id = $1 AND event_type = $2', [sagaId, type])).rows[0]
      ?.occurred_at;

  /** An order whose reservation the fake accepts without answering (a MUTE- product); the instance that sent it stopped. */
  async function reservationSentThenStopped(groupId: string, settings: Record<string, string>) {
    const first = await start({ groupId, settings });
    const productId = `MUTE-${randomUUID()}`;
    const order = newOrder({ items: [{ productId, quantity: 1, unitPrice: 700 }], totalAmount: 700 });
    await first.fake.createOrder(order);
    let sagaId = '';
    await waitFor(async () => {
      sagaId = (await sagaOfOrder(env.db.pool, order.orderId))?.sagaId ?? '';
      return sagaId !== '' && first.fake.accepted(sagaId).length === 1;
    }, 15_000, 'the reservation sent');
    await stop(first);
    const { rows } = await env.db.pool.query<{ next_deadline: Date }>('SELECT next_deadline FROM saga_instances WHERE order_id = $1', [order.orderId]);
    return { order, productId, sagaId, first, deadline: rows[0]?.next_deadline.getTime() ?? 0 };
  }
  const untilPassed = (deadline: number) => new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 300));

  it('fires a step deadline that passed while no orchestrator ran, once the restart grace is over', async () => {
    const groupId = `saga-restart-${randomUUID()}`;
    const settings = { SAGA_STEP_TIMEOUT_MS: '3000', SAGA_RESTART_GRACE_MS: '3000' };
    const { order, first, deadline } = await reservationSentThenStopped(groupId, settings);
    await untilPassed(deadline);
    assert.equal((await sagaOfOrder(env.db.pool, order.orderId))?.status, 'RUNNING', 'nothing fires a deadline while no orchestrator runs');

    const fake = createFakeCommandService(env.publish);
    fake.remember(order);
    const restartedAt = Date.now();
    await start({ groupId, settings, fake });
    await waitFor(async () => (await sagaOfOrder(env.db.pool, order.orderId))?.status === 'COMPENSATED', 15_000, 'saga compensated');
    const saga = await sagaOfOrder(env.db.pool, order.orderId);
    assert.ok(saga);
    assert.deepEqual(first.fake.accepted(saga.sagaId), ['ReserveInventory']);
    assert.deepEqual(fake.accepted(saga.sagaId), ['ReleaseInventory', 'CancelOrder']);
    const failed = (await stepEvents(saga.sagaId)).find((e) => e.event_type === 'StepFailed');
    assert.equal(failed?.data.code, 'STEP_TIMED_OUT');
    const firedAt = (await historyAt(saga.sagaId, 'StepFailed'))?.getTime() ?? 0;
    assert.ok(firedAt - restartedAt >= 3_000, `the deadline waited out the grace after the restart, fired after ${firedAt - restartedAt} ms`);
  });

  it('reads the answer waiting in Kafka behind a backlog before a passed deadline can fire', async () => {
    const groupId = `saga-restart-${randomUUID()}`;
    // no grace: only joining the group first and catching up with the topics keep the deadline from firing
    const settings = { SAGA_STEP_TIMEOUT_MS: '3000', SAGA_RESTART_GRACE_MS: '0' };
    const { order, productId, sagaId, deadline } = await reservationSentThenStopped(groupId, settings);
    // the answer comes while no orchestrator runs, behind other orders' events on its partition
    const reserved = (orderId: string) => ({
      type: 'InventoryReserved' as const,
      data: { productId, orderId, quantity: 1, availableQuantity: 10, occurredAt: new Date().toISOString() },
    });
    for (let i = 0; i < 300; i++) await env.publish(reserved(randomUUID()));
    await env.publish(reserved(order.orderId));
    await untilPassed(deadline);

    const fake = createFakeCommandService(env.publish);
    fake.remember(order);
    await start({ groupId, settings, fake });
    await waitFor(async () => (await sagaOfOrder(env.db.pool, order.orderId))?.status === 'COMPLETED', 20_000, 'saga completed');
    assert.deepEqual(fake.accepted(sagaId), ['AuthorizePayment', 'CreateShipment', 'ConfirmOrder']);
    assert.equal((await stepEvents(sagaId)).filter((e) => e.event_type === 'StepFailed').length, 0, 'no step timed out');
  });

  it('resends at once the commands still pending when it stopped', async () => {
    const groupId = `saga-restart-${randomUUID()}`;
    // the first instance cannot authorize and would wait a minute before trying again
    const slow = { SAGA_RETRY_BUDGET: '50', SAGA_BACKOFF_BASE_MS: '60000', SAGA_BACKOFF_MAX_MS: '60000' };
    const firstFake = createFakeCommandService(env.publish, { down: ['AuthorizePayment'] });
    const first = await start({ groupId, settings: slow, fake: firstFake });
    const order = newOrder();
    await firstFake.createOrder(order);
    await waitFor(async () => ((await sagaOfOrder(env.db.pool, order.orderId))?.attempts ?? 0) === 1, 15_000, 'a failed authorization');
    await stop(first);

    const fake = createFakeCommandService(env.publish);
    fake.remember(order);
    const restartedAt = Date.now();
    await start({ groupId, settings: slow, fake });
    await waitFor(async () => (await sagaOfOrder(env.db.pool, order.orderId))?.status === 'COMPLETED', 15_000, 'saga completed');
    assert.ok(Date.now() - restartedAt < 15_000, 'not held back by the first instance\'s backoff');
    const saga = await sagaOfOrder(env.db.pool, order.orderId);
    assert.ok(saga);
    assert.deepEqual(fake.accepted(saga.sagaId), ['AuthorizePayment', 'CreateShipment', 'ConfirmOrder']);
    const { rows } = await env.db.pool.query<{ attempts: number }>(
      `SELECT attempts FROM saga_commands WHERE saga_id = $1 AND command_type = 'AuthorizePayment'`,
      [saga.sagaId],
    );
    assert.equal(rows[0]?.attempts, 2);
  });
});
