import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventCountsByOrder, stockLedger } from './support/event-ledger.js';
import { createOrder, orderBody, replenish } from './support/orders.js';
import { envMs, mapConcurrent } from './support/poll.js';
import { describeProblems, sagaEffectProblems, type PlacedOrder } from './support/saga-effects.js';
import { createSagaAdmin, isTerminal, type SagaAdmin, type SagaSummary } from './support/sagas.js';
import { startSystem, type System } from './support/system.js';

/**
 * Time in the saga: a step whose answer never comes is cut off by its durable deadline
 * and compensated; a command service that is away for a while only pauses the sagas,
 * which retry and finish once it is back.
 */
const OUTAGE_MS = envMs('E2E_COMMAND_OUTAGE_MS', 30_000);
const OUTAGE_ORDERS = 20;
const STEP_TIMEOUT_MS = 3_000;
const GATEWAY_TIMEOUT_MS = 1_000;

const sagaEnv = (stepTimeoutMs: number) => ({
  SAGA_STEP_TIMEOUT_MS: String(stepTimeoutMs),
  // the deadline, not the retry budget, must be what ends a step that gets no answer
  SAGA_RETRY_BUDGET: '100',
  SAGA_BACKOFF_BASE_MS: '100',
  SAGA_BACKOFF_MAX_MS: '1000',
  SAGA_BREAKER_RESET_MS: '1000',
  SAGA_DEADLINE_POLL_MS: '100',
});

describe('order saga against time: step deadlines and a command service outage', { timeout: 300_000 }, () => {
  let system: System;
  let admin: SagaAdmin;

  before(async () => {
    system = await startSystem({
      services: ['command', 'outbox-relay', 'saga-orchestrator'],
      env: { command: { GATEWAY_TIMEOUT_MS: String(GATEWAY_TIMEOUT_MS) }, 'saga-orchestrator': sagaEnv(STEP_TIMEOUT_MS) },
    });
    admin = createSagaAdmin(system.url('saga-orchestrator'));
  });
  after(async () => {
    await system?.shutdown();
  });

  const stocked = async (quantity: number): Promise<string> => {
    const productId = `sku-${randomUUID()}`;
    await replenish(system.url('command'), productId, quantity);
    return productId;
  };

  it('a gateway that never answers: the step deadline fires and the saga compensates, while other sagas complete', async () => {
    const productId = await stocked(10);
    const [stalled, healthy] = await Promise.all([
      createOrder(system.url('command'), orderBody({ items: [{ productId, quantity: 2, unitPrice: 1500 }], token: 'tok_timeout' })),
      createOrder(system.url('command'), orderBody({ items: [{ productId, quantity: 1, unitPrice: 1500 }] })),
    ]);

    const done = await admin.awaitStatus(healthy.aggregateId, 'COMPLETED', 30_000);
    const saga = await admin.awaitStatus(stalled.aggregateId, 'COMPENSATED', 30_000);
    assert.ok(Date.parse(done.updatedAt) < Date.parse(saga.updatedAt), 'the healthy saga did not wait for the stalled one');

    const detail = await admin.detail(saga.sagaId);
    assert.equal(detail.failure?.step, 'authorize_payment');
    assert.equal(detail.failure?.code, 'STEP_TIMED_OUT');
    const started = detail.steps.find((s) => s.type === 'StepStarted' && s.step === 'authorize_payment');
    const failed = detail.steps.find((s) => s.type === 'StepFailed');
    const waited = Date.parse(String(failed?.data.at)) - Date.parse(String(started?.data.at));
    assert.ok(waited >= STEP_TIMEOUT_MS, `the step failed after ${waited} ms, before its ${STEP_TIMEOUT_MS} ms deadline`);
    const authorize = detail.commands.find((c) => c.type === 'AuthorizePayment');
    assert.ok((authorize?.attempts ?? 0) >= 1, 'the gateway was called');
    assert.match(authorize?.lastError ?? '', /TIMEOUT|DEADLINE/, 'the calls failed on the gateway timeout');

    // an authorization that may have happened is voided; nothing was, so no event at all
    const counts = Object.fromEntries((await eventCountsByOrder(system.pool, [stalled.aggregateId])).get(stalled.aggregateId) ?? []);
    assert.deepEqual(counts, { OrderCreated: 1, InventoryReserved: 1, InventoryReleased: 1, OrderCancelled: 1 });
    const stock = (await stockLedger(system.pool, [productId])).get(productId);
    assert.equal(stock?.available, 9, 'only the healthy order holds stock');

    const metrics = await (await fetch(`${system.url('saga-orchestrator')}/metrics`)).text();
    const fired = /^saga_deadlines_fired_total\{[^}]*\} (\d+)/m.exec(metrics);
    assert.ok(Number(fired?.[1] ?? 0) >= 1, 'the deadline timer counted the fired deadline');
  });

  it(`the command service away for ${OUTAGE_MS / 1000} s: sagas pause, retry, and complete once it is back`, async (t) => {
    // step deadlines longer than the outage: waiting is what this test is about
    await system.stop('saga-orchestrator');
    await system.start('saga-orchestrator', sagaEnv(OUTAGE_MS + 90_000));

    const productId = await stocked(1_000);
    const placed: PlacedOrder[] = await mapConcurrent(Array.from({ length: OUTAGE_ORDERS }), 4, async (_, i) => {
      const items = [{ productId, quantity: 1 + (i % 3), unitPrice: 1000 }];
      return { orderId: (await createOrder(system.url('command'), orderBody({ items }))).aggregateId, items };
    });
    const ids = placed.map((o) => o.orderId);
    assert.equal(await system.stop('command'), 0, 'the command service stopped gracefully');
    const outageEnds = Date.now() + OUTAGE_MS;

    // no saga gives up during the outage: none compensates
    let seen = new Map<string, SagaSummary>();
    while (Date.now() < outageEnds) {
      const all = await admin.byOrder();
      seen = new Map(ids.flatMap((id) => { const s = all.get(id); return s ? [[id, s] as const] : []; }));
      const gaveUp = [...seen.values()].filter((s) => s.status === 'COMPENSATING' || s.status === 'COMPENSATED' || s.status === 'FAILED');
      assert.deepEqual(gaveUp.map((s) => `${s.orderId}: ${s.status} ${s.lastError}`), [], 'no saga compensates because the command service is away');
      await sleep(Math.min(1_000, Math.max(0, outageEnds - Date.now())));
    }
    const paused = ids.filter((id) => { const s = seen.get(id); return !s || !isTerminal(s.status); });
    const retrying = [...seen.values()].filter((s) => s.status === 'RUNNING' && s.lastError !== null && s.attempts >= 1);
    t.diagnostic(`at the end of the outage: ${paused.length} sagas open, ${retrying.length} retrying`);
    assert.ok(paused.length > 0, 'the outage caught sagas in flight');
    assert.ok(retrying.length > 0, `sagas retried during the outage: ${JSON.stringify([...seen.values()].slice(0, 3))}`);

    await system.start('command');
    const sagas = await admin.awaitTerminal(ids, 120_000);
    assert.deepEqual(
      ids.filter((id) => sagas.get(id)?.status !== 'COMPLETED').map((id) => `${id}: ${sagas.get(id)?.status}`),
      [],
      'every saga completed once the command service was back',
    );
    const problems = await sagaEffectProblems(system.pool, placed, (id) => sagas.get(id)?.status);
    assert.equal(problems.size, 0, `effects repeated or missing:\n${describeProblems(problems)}`);
  });
});
