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

  it('fires a step deadline that passed while no orchestrator ran', async () => {
    const groupId = `saga-restart-${randomUUID()}`;
    const settings = { SAGA_STEP_TIMEOUT_MS: '3000' };
    const first = await start({ groupId, settings });
    // the fake accepts the reservation of a MUTE- product but never answers with an event
    const order = newOrder({ items: [{ productId: `MUTE-${randomUUID()}`, quantity: 1, unitPrice: 700 }], totalAmount: 700 });
    await first.fake.createOrder(order);
    await waitFor(async () => {
      const saga = await sagaOfOrder(env.db.pool, order.orderId);
      return saga !== null && first.fake.accepted(saga.sagaId).length === 1;
    }, 15_000, 'the reservation sent');
    await stop(first);

    const { rows } = await env.db.pool.query<{ next_deadline: Date }>('SELECT next_deadline FROM saga_instances WHERE order_id = $1', [order.orderId]);
    const deadline = rows[0]?.next_deadline.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 300));
    assert.equal((await sagaOfOrder(env.db.pool, order.orderId))?.status, 'RUNNING', 'nothing fires a deadline while no orchestrator runs');

    const fake = createFakeCommandService(env.publish);
    fake.remember(order);
    await start({ groupId, settings, fake });
    await waitFor(async () => (await sagaOfOrder(env.db.pool, order.orderId))?.status === 'COMPENSATED', 15_000, 'saga compensated');
    const saga = await sagaOfOrder(env.db.pool, order.orderId);
    assert.ok(saga);
    assert.deepEqual(first.fake.accepted(saga.sagaId), ['ReserveInventory']);
    assert.deepEqual(fake.accepted(saga.sagaId), ['ReleaseInventory', 'CancelOrder']);
    const failed = (await stepEvents(saga.sagaId)).find((e) => e.event_type === 'StepFailed');
    assert.equal(failed?.data.code, 'STEP_TIMED_OUT');
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
