import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from './support/poll.js';
import { describeProblems, sagaEffectProblems, type PlacedOrder } from './support/saga-effects.js';
import { placeOrders, planSagaMix, stockImbalances, stockUp, type SagaMix } from './support/saga-load.js';
import { createSagaAdmin, isTerminal, statusCounts, type SagaAdmin, type SagaStatus, type SagaSummary } from './support/sagas.js';
import { startSystem, type System } from './support/system.js';

/**
 * A killed orchestrator loses nothing and repeats nothing: SIGKILL in the middle of many
 * concurrent sagas, start it again, and every saga ends with each of its effects recorded
 * exactly once, and the stock adds up.
 */
const SAGAS = Number(process.env.E2E_SAGA_RECOVERY_ORDERS ?? 200);
const CLIENTS = 16;

describe('orchestrator killed mid-flight', { timeout: 300_000 }, () => {
  let system: System;
  let admin: SagaAdmin;

  before(async () => {
    system = await startSystem({
      services: ['command', 'outbox-relay', 'saga-orchestrator'],
      // the production step timeout on purpose: a restart must fit within it
      env: { 'saga-orchestrator': { SAGA_BACKOFF_BASE_MS: '50', SAGA_BACKOFF_MAX_MS: '1000' } },
    });
    admin = createSagaAdmin(system.url('saga-orchestrator'));
  });
  after(async () => {
    await system?.shutdown();
  });

  // the admin API is down with the orchestrator: right after the kill its table is read directly
  const sagaStatusCounts = async (): Promise<Partial<Record<SagaStatus, number>>> => {
    const { rows } = await system.pool.query<{ status: SagaStatus; n: number }>('SELECT status, count(*)::int AS n FROM saga_instances GROUP BY status');
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };

  const failureCodes = async (orderIds: readonly string[]): Promise<Map<string, string>> => {
    const details = await Promise.all(orderIds.slice(0, 5).map(async (id) => [id, await admin.detail(sagas.get(id)?.sagaId ?? '')] as const));
    return new Map(details.map(([id, d]) => [id, `${d.failure?.step}: ${d.failure?.code}`]));
  };

  let mix: SagaMix;
  let placed: PlacedOrder[] = [];
  let sagas = new Map<string, SagaSummary>();
  const statusOf = (orderId: string) => sagas.get(orderId)?.status;

  it(`${SAGAS} concurrent sagas survive a SIGKILL of the orchestrator: all end, none repeats an effect, stock balances`, async (t) => {
    mix = planSagaMix(SAGAS);
    await stockUp(system.url('command'), mix);

    // the kill lands once a tenth of the sagas has ended, while orders are still arriving
    const placing = placeOrders(system.url('command'), mix, CLIENTS);
    await pollUntil(
      'a tenth of the sagas to end before the kill',
      async () => {
        const ended = [...(await admin.byOrder()).values()].filter((s) => isTerminal(s.status)).length;
        return ended >= SAGAS / 10 ? ended : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    await system.kill('saga-orchestrator');
    const atKill = await sagaStatusCounts();
    t.diagnostic(`sagas at the kill: ${JSON.stringify(atKill)}`);
    const running = (atKill.RUNNING ?? 0) + (atKill.COMPENSATING ?? 0);
    assert.ok(running > 0, `the kill must land on sagas in flight, found ${JSON.stringify(atKill)}`);

    placed = await placing;
    await system.start('saga-orchestrator');
    sagas = await admin.awaitTerminal(
      placed.map((o) => o.orderId),
      180_000,
    );
    t.diagnostic(`saga endings: ${JSON.stringify(statusCounts(sagas.values()))}`);

    assert.equal(sagas.size, SAGAS, 'one saga per order, no more');
    assert.deepEqual(
      placed.filter((o) => !['COMPLETED', 'COMPENSATED'].includes(statusOf(o.orderId) ?? '')).map((o) => `${o.orderId}: ${statusOf(o.orderId)}`),
      [],
      'every saga completed or compensated',
    );
    const problems = await sagaEffectProblems(system.pool, placed, statusOf);
    assert.equal(problems.size, 0, `effects repeated or missing:\n${describeProblems(problems)}`);
    assert.deepEqual(await stockImbalances(system.pool, mix, placed, statusOf), []);
  });

  // the answers to steps in flight at the kill wait in Kafka: a restarted orchestrator
  // must read them rather than let the steps' deadlines cancel orders that succeeded
  it('the crash alone fails no saga: declined or unshippable orders compensate, plain orders in stock complete', async () => {
    assert.equal(sagas.size, SAGAS, 'the sagas of the previous test ended');
    const wrong = placed.flatMap((o, i) => {
      const planned = mix.orders[i];
      const status = statusOf(o.orderId);
      const expected = planned?.doomed ? 'COMPENSATED' : planned?.items.some((l) => l.productId === mix.scarce) ? null : 'COMPLETED';
      return expected && status !== expected ? [{ orderId: o.orderId, status, expected }] : [];
    });
    const failures = await failureCodes(wrong.map((w) => w.orderId));
    assert.deepEqual(
      wrong.slice(0, 5).map((w) => ({ ...w, failure: failures.get(w.orderId) })),
      [],
      `${wrong.length} sagas ended otherwise than their order dictates`,
    );
  });
});
