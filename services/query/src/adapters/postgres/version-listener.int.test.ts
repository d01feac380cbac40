import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Answer } from '../../testing/api-client.js';
import { createLogger } from '@orderflow/platform';
import { metricValue, startQueryHarness, type QueryHarness } from '../../testing/query-harness.js';
import { createVersionListener } from './version-listener.js';
import { deleteOrders, insertOrders, orderRow, updateOrder } from '../../testing/read-model-rows.js';
import type { OrderView } from '../../orders/order-view.js';

let h: QueryHarness;
const inserted: string[] = [];

before(async () => {
  h = await startQueryHarness({ minVersionWaitMs: 15_000 });
});

after(async () => {
  await deleteOrders(h.pool, inserted);
  await h.close();
});

const listenerPid = async () => {
  const { rows } = await h.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [h.listenerName]);
  return rows.map((r) => r.pid);
};

describe('version listener', { timeout: 30_000 }, () => {
  it('re-establishes a lost LISTEN connection and wakes waiters to re-read what they may have missed', async () => {
    const row = orderRow({ version: 1 });
    await insertOrders(h.pool, [row]);
    inserted.push(row.orderId);
    const [pid] = await listenerPid();
    assert.ok(pid, 'the listener holds its own connection');

    const waiting = h.nextWait(row.orderId);
    const started = performance.now();
    const answered = h.app.inject({ method: 'GET', url: `/api/v1/orders/${row.orderId}?minVersion=2` });
    await waiting;
    // committed without a notification, as if it had been sent while nobody listened
    await updateOrder(h.pool, row.orderId, { version: 2, notify: false });
    await h.pool.query('SELECT pg_terminate_backend($1)', [pid]);

    const res = await answered;
    assert.equal(res.json<Answer<OrderView>>().meta.version, 2);
    assert.ok(performance.now() - started < 7_500, 'woken by the reconnect, not by the 15 s bound');
    assert.equal(await metricValue(h.registry, 'query_version_listener_reconnects_total'), 1);

    const [newPid] = await listenerPid();
    assert.ok(newPid && newPid !== pid, 'a new LISTEN connection');
    assert.equal(h.listener.isListening(), true);

    // and notifications flow again on the new connection
    const next = h.nextWait(row.orderId);
    const again = h.app.inject({ method: 'GET', url: `/api/v1/orders/${row.orderId}?minVersion=3` });
    await next;
    await updateOrder(h.pool, row.orderId, { version: 3 });
    assert.equal((await again).json<Answer<OrderView>>().meta.version, 3);
  });

  it('keeps retrying while PostgreSQL cannot be reached, and stops on close', async () => {
    const unreachable = createVersionListener({
      connectionString: 'postgres://postgres@127.0.0.1:1/orderflow_test',
      logger: createLogger('query-test', 'silent'),
      reconnectDelayMs: { min: 5, max: 20 },
    });
    let listening = false;
    const started = unreachable.start().then(() => {
      listening = unreachable.isListening();
    });
    const waiter = unreachable.register('o-1', 1);
    // a waiter still times out on its own bound while nothing listens
    assert.equal(await waiter.wait(100), false);
    assert.equal(unreachable.isListening(), false);
    await unreachable.close();
    await started;
    assert.equal(listening, false);
  });
});
