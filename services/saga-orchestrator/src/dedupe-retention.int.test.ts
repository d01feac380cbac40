import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deleteProcessedEventsBefore } from './adapters/postgres/saga-store.js';
import { createSagaEnvironment, startTestOrchestrator, type SagaEnvironment } from './testing/orchestrator-kit.js';
import { waitFor } from './testing/test-database.js';

/** Dedupe rows of consumed events do not pile up forever: old ones are deleted in chunks. */
describe('saga dedupe retention', () => {
  let env: SagaEnvironment;

  before(async () => {
    env = await createSagaEnvironment();
  });
  after(async () => {
    await env?.close();
  });

  /** `count` dedupe rows recorded `hoursAgo` hours ago; returns their event ids. */
  async function rowsFrom(hoursAgo: number, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await env.db.pool.query(
      `INSERT INTO saga_processed_events (consumer, event_id, stream_id, stream_version, processed_at)
       SELECT 'saga', id, 'order-' || id, 1, now() - make_interval(hours => $2) FROM unnest($1::text[]) id`,
      [ids, hoursAgo],
    );
    return ids;
  }
  const remaining = async (ids: readonly string[]) =>
    (await env.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM saga_processed_events WHERE event_id = ANY($1)', [ids])).rows[0]?.n;

  it('deletes the rows recorded before the cut-off, oldest first, at most a chunk per statement', async () => {
    const oldest = await rowsFrom(30, 3);
    const old = await rowsFrom(20, 4);
    const recent = await rowsFrom(1, 5);
    const cutOff = new Date(Date.now() - 10 * 3_600_000);
    assert.equal(await deleteProcessedEventsBefore(env.db.pool, cutOff, 3), 3);
    assert.equal(await remaining(oldest), 0, 'the oldest went first');
    assert.equal(await remaining(old), 4);
    assert.equal(await deleteProcessedEventsBefore(env.db.pool, cutOff, 10), 4);
    assert.equal(await deleteProcessedEventsBefore(env.db.pool, cutOff, 10), 0);
    assert.equal(await remaining(recent), 5, 'rows within the retention stay');
  });

  it('prunes on its schedule in a running orchestrator and counts what it deleted', async () => {
    const old = await rowsFrom(3, 2_500);
    const recent = await rowsFrom(0, 10);
    const orchestrator = await startTestOrchestrator(env, {
      settings: { SAGA_DEDUPE_RETENTION_HOURS: '2', SAGA_DEDUPE_PRUNE_INTERVAL_MS: '1000' },
    });
    try {
      const pruned = async () => (await orchestrator.metrics.getSingleMetric('saga_dedupe_rows_pruned_total')?.get())?.values[0]?.value ?? 0;
      await waitFor(async () => (await pruned()) >= 2_500, 15_000, 'old dedupe rows pruned');
      assert.equal(await pruned(), 2_500);
      assert.equal(await remaining(old), 0);
      assert.equal(await remaining(recent), 10);
    } finally {
      await orchestrator.stop();
    }
  });
});
