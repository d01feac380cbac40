import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventCountsByOrder } from './support/event-ledger.js';
import { createOrder, orderBody, replenish } from './support/orders.js';
import { mapConcurrent, pollUntil } from './support/poll.js';
import { describeProblems, sagaEffectProblems, type PlacedOrder } from './support/saga-effects.js';
import { createSagaAdmin, type SagaAdmin, type SagaSummary } from './support/sagas.js';
import { startSystem, type System } from './support/system.js';

/**
 * One saga whose compensation keeps failing is reported as stuck by the admin API, and
 * holds up nobody: many other sagas complete meanwhile. Once the fault clears it finishes
 * its compensation, with each undo recorded once however often it was tried.
 *
 * The fault is the simulated gateway's: a payment authorized with card `tok_void_fails`
 * cannot be voided (GATEWAY_UNAVAILABLE, a transient failure the saga retries) while the
 * command service runs with GATEWAY_VOID_FAULT=active; restarting it with `cleared` is
 * the gateway recovering.
 */
const OTHERS = Number(process.env.E2E_SAGA_STUCK_OTHERS ?? 100);
const STUCK_FOR_SECONDS = 3;

describe('a saga stuck in compensation', { timeout: 240_000 }, () => {
  let system: System;
  let admin: SagaAdmin;

  before(async () => {
    system = await startSystem({
      services: ['command', 'outbox-relay', 'saga-orchestrator'],
      env: {
        command: { GATEWAY_VOID_FAULT: 'active' },
        'saga-orchestrator': {
          SAGA_BACKOFF_BASE_MS: '100',
          SAGA_BACKOFF_MAX_MS: '1000',
          SAGA_BREAKER_RESET_MS: '1000',
          SAGA_STUCK_AFTER_MS: '1000',
        },
      },
    });
    admin = createSagaAdmin(system.url('saga-orchestrator'));
  });
  after(async () => {
    await system?.shutdown();
  });

  it(`is listed as stuck while ${OTHERS} other sagas complete, and finishes once the fault clears`, async (t) => {
    const productId = `sku-${randomUUID()}`;
    await replenish(system.url('command'), productId, 10_000);

    // authorized, then unshippable: the void is the compensation that keeps failing
    const stuckOrder = await createOrder(
      system.url('command'),
      orderBody({ token: 'tok_void_fails', country: 'XX', items: [{ productId, quantity: 5, unitPrice: 1000 }] }),
    );
    const stuck = await pollUntil(
      'the void to fail at least twice',
      async () => {
        const s = await admin.ofOrder(stuckOrder.aggregateId);
        return s?.status === 'COMPENSATING' && s.currentStep === 'void_payment' && s.attempts >= 2 ? s : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.match(stuck.lastError ?? '', /GATEWAY_UNAVAILABLE/, 'the command service passed on the gateway\'s failure');

    const others: PlacedOrder[] = await mapConcurrent(Array.from({ length: OTHERS }), 8, async (_, i) => {
      const items = [{ productId, quantity: 1 + (i % 2), unitPrice: 1000 }];
      return { orderId: (await createOrder(system.url('command'), orderBody({ items }))).aggregateId, items };
    });
    const sagas = await admin.awaitTerminal(
      others.map((o) => o.orderId),
      120_000,
    );
    assert.deepEqual(
      others.filter((o) => sagas.get(o.orderId)?.status !== 'COMPLETED').map((o) => `${o.orderId}: ${sagas.get(o.orderId)?.status}`),
      [],
      'every other saga completed',
    );
    const problems = await sagaEffectProblems(system.pool, others, (id) => sagas.get(id)?.status);
    assert.equal(problems.size, 0, `effects repeated or missing:\n${describeProblems(problems)}`);

    // the admin API names it, and only it, with what it is stuck on
    let listed: SagaSummary[] = [];
    await pollUntil(
      `the saga listed as stuck for ${STUCK_FOR_SECONDS} s`,
      async () => {
        listed = await admin.list({ stuckForSeconds: STUCK_FOR_SECONDS });
        return listed.length > 0 ? listed : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      listed.map((s) => ({ orderId: s.orderId, status: s.status, step: s.currentStep })),
      [{ orderId: stuckOrder.aggregateId, status: 'COMPENSATING', step: 'void_payment' }],
    );
    const [summary] = listed;
    assert.ok((summary?.attempts ?? 0) > stuck.attempts, `retries went on: ${summary?.attempts} attempts`);
    assert.match(summary?.lastError ?? '', /GATEWAY_UNAVAILABLE/);
    const metrics = await (await fetch(`${system.url('saga-orchestrator')}/metrics`)).text();
    assert.match(metrics, /^saga_stuck(\{[^}]*\})? 1$/m, 'the saga_stuck gauge counts it');
    t.diagnostic(`stuck saga after ${summary?.attempts} attempts: ${summary?.lastError}`);

    // the gateway recovers: the compensation goes through, each undo recorded once
    await system.stop('command');
    await system.start('command', { GATEWAY_VOID_FAULT: 'cleared' });
    const ended = await admin.awaitStatus(stuckOrder.aggregateId, 'COMPENSATED', 60_000);
    const detail = await admin.detail(ended.sagaId);
    assert.deepEqual(
      detail.compensationLog.filter((e) => e.status === 'succeeded').map((e) => e.step),
      ['void_payment', 'release_inventory', 'cancel_order'],
    );
    const counts = Object.fromEntries((await eventCountsByOrder(system.pool, [stuckOrder.aggregateId])).get(stuckOrder.aggregateId) ?? []);
    assert.deepEqual(counts, {
      OrderCreated: 1,
      InventoryReserved: 1,
      PaymentAuthorized: 1,
      ShipmentRejected: 1,
      PaymentVoided: 1,
      InventoryReleased: 1,
      OrderCancelled: 1,
    });
    const { rows: voids } = await system.pool.query<{ data: { paymentId: string; voidReference: string | null } }>(
      `SELECT data FROM events WHERE event_type = 'PaymentVoided' AND data->>'orderId' = $1`,
      [stuckOrder.aggregateId],
    );
    assert.equal(voids[0]?.data.voidReference, `void_${voids[0]?.data.paymentId}`, 'the void carries the gateway\'s reference');
    assert.deepEqual(await admin.list({ stuckForSeconds: 0 }), [], 'nothing is stuck any more');
  });
});
