import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AppError, ConcurrencyError } from '@orderflow/platform/errors';
import type pg from 'pg';
import { eventStoreContract, TEST_STREAM_PREFIX } from './event-store.contract.js';
import type { NewEvent } from './event-store.js';
import { createPgEventStore, type PgEventStore } from './pg-event-store.js';
import { createTestPool, migrateTestDatabase, removeTestOutboxRows } from './pg-test-database.js';

let pool: pg.Pool;
/** One slot: whatever is submitted together waits for it and leaves as one group. */
let store: PgEventStore;

before(async () => {
  await migrateTestDatabase();
  pool = createTestPool();
  store = createPgEventStore({ pool, notifier: null, groupCommit: { maxConcurrent: 1, maxBatch: 64 } });
});

after(async () => {
  await removeTestOutboxRows(pool, TEST_STREAM_PREFIX);
  await pool.end();
});

const TYPE = 'GroupCommitTest';
const newStream = () => `${TEST_STREAM_PREFIX}group-${randomUUID()}`;
const event = (n: number, eventId?: string): NewEvent => ({
  ...(eventId === undefined ? {} : { eventId }),
  type: 'TestHappened',
  data: { n },
  metadata: { correlationId: randomUUID(), causationId: null },
});

async function transactionsOf(streamIds: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ transaction_id: string }>(
    'SELECT DISTINCT transaction_id::text AS transaction_id FROM events WHERE stream_id = ANY($1)',
    [streamIds],
  );
  return rows.map((r) => r.transaction_id);
}

describe('group commit on PostgreSQL', () => {
  it('commits appends submitted together in one transaction, each with its own outcome', async () => {
    const existing = newStream();
    await store.appendToStream(existing, [event(1)], { streamType: TYPE, expectedVersion: 'no_stream' });
    const keyed = newStream();
    const key = randomUUID();
    const first = await store.appendToStream(keyed, [event(1)], {
      streamType: TYPE,
      expectedVersion: 'no_stream',
      idempotency: { key, requestHash: 'h1', response: { answer: 'first' } },
    });
    assert.equal(first.status, 'appended');

    const fresh = Array.from({ length: 5 }, newStream);
    const outcomes = await Promise.allSettled([
      ...fresh.map((streamId, n) => store.appendToStream(streamId, [event(n)], { streamType: TYPE, expectedVersion: 'no_stream' })),
      store.appendToStream(existing, [event(2)], { streamType: TYPE, expectedVersion: 0 }),
      store.appendToStream(keyed, [event(2)], { streamType: TYPE, expectedVersion: 1, idempotency: { key, requestHash: 'h1' } }),
      store.appendToStream(keyed, [event(3)], { streamType: TYPE, expectedVersion: 1, idempotency: { key, requestHash: 'h2' } }),
    ]);

    outcomes.slice(0, 5).forEach((o) => assert.ok(o.status === 'fulfilled' && o.value.status === 'appended'));
    const [stale, replay, reused] = outcomes.slice(5);
    assert.ok(stale?.status === 'rejected' && stale.reason instanceof ConcurrencyError, 'the stale version alone is refused');
    assert.ok(replay?.status === 'fulfilled' && replay.value.status === 'duplicate');
    assert.deepEqual(replay.value.status === 'duplicate' ? replay.value.response : undefined, { answer: 'first' });
    assert.ok(reused?.status === 'rejected' && reused.reason instanceof AppError && reused.reason.code === 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await transactionsOf(fresh)).length, 1, 'the five fresh streams were committed by one transaction');
    assert.equal((await store.readStream(existing)).streamVersion, 1);
    assert.equal((await store.readStream(keyed)).streamVersion, 1);
  });

  it('applies two appends to one stream in one group in the order they were submitted', async () => {
    const streamId = newStream();
    const [a, b] = await Promise.all([
      store.appendToStream(streamId, [event(1), event(2)], { streamType: TYPE, expectedVersion: 'no_stream' }),
      store.appendToStream(streamId, [event(3)], { streamType: TYPE, expectedVersion: 2 }),
    ]);
    assert.equal(a.status === 'appended' && a.streamVersion, 2);
    assert.equal(b.status === 'appended' && b.streamVersion, 3);
    const read = await store.readStream(streamId);
    assert.deepEqual(read.events.map((e) => (e.data as { n: number }).n), [1, 2, 3]);
    const { rows } = await pool.query<{ version: number }>(
      `SELECT e.stream_version AS version FROM outbox o JOIN events e ON e.global_position = o.global_position
       WHERE o.stream_id = $1 ORDER BY o.id`,
      [streamId],
    );
    assert.deepEqual(rows.map((r) => r.version), [1, 2, 3], 'outbox ids follow stream versions');
    assert.equal((await transactionsOf([streamId])).length, 1);
  });

  it('writes each append alone when one of them would abort the group, so only that one fails', async () => {
    const taken = randomUUID();
    await store.appendToStream(newStream(), [event(0, taken)], { streamType: TYPE, expectedVersion: 'no_stream' });
    const others = Array.from({ length: 3 }, newStream);
    const clash = newStream();
    const outcomes = await Promise.allSettled([
      ...others.map((streamId, n) => store.appendToStream(streamId, [event(n)], { streamType: TYPE, expectedVersion: 'no_stream' })),
      store.appendToStream(clash, [event(9, taken)], { streamType: TYPE, expectedVersion: 'no_stream' }),
    ]);
    outcomes.slice(0, 3).forEach((o) => assert.ok(o.status === 'fulfilled' && o.value.status === 'appended'));
    const failed = outcomes[3];
    assert.ok(failed?.status === 'rejected' && failed.reason instanceof AppError && failed.reason.code === 'DUPLICATE_EVENT_ID');
    for (const streamId of others) assert.equal((await store.readStream(streamId)).streamVersion, 1);
    assert.equal((await store.readStream(clash)).streamVersion, 0, 'nothing of the failed append was written');
  });
});

// the default has one slot (pg-event-store.int.test.ts); here groups share two, and are small
describe('event store contract with two group-commit slots of at most three appends', () => {
  eventStoreContract({
    makeStore: (options) => createPgEventStore({ pool, notifier: null, groupCommit: { maxConcurrent: 2, maxBatch: 3 }, ...options }),
  });
});
