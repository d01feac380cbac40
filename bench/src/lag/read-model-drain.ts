import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** Orders created but not yet in the read model, and outbox rows not yet published. */
export async function backlogOf(pool: pg.Pool): Promise<{ orders: number; outbox: number }> {
  const { rows } = await pool.query<{ orders: number; outbox: number }>(
    `SELECT (SELECT count(*) FROM events WHERE event_type = 'OrderCreated')::int
          - (SELECT count(*) FROM order_views)::int AS orders,
            (SELECT count(*) FROM outbox)::int AS outbox`,
  );
  return rows[0] ?? { orders: 0, outbox: 0 };
}

/**
 * Waits until every created order is in the read model: the burst that found the
 * maximum rate must not leave a queue that the steady load's orders then wait behind.
 */
export async function waitForReadModel(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const backlog = await backlogOf(pool);
    if (backlog.orders <= 0 && backlog.outbox === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`the read model did not catch up within ${timeoutMs} ms: ${backlog.orders} orders missing, ${backlog.outbox} outbox rows left`);
    }
    await sleep(100);
  }
}
