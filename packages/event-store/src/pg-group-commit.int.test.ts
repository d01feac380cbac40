import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AppError, ConcurrencyError } from '@orderflow/platform/errors';
import type pg from 'pg';
import { eventStoreContract, TEST_STREAM_PREFIX } from './event-store.contract.js';
import type { ExpectedVersion, NewEvent } from './event-store.js';
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
  it('commits appends submitted together in one transaction, each with its own outcome, when a stream and a key repeat', async () => {
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

  it('answers every kind of outcome from one set-based statement when streams and keys are distinct', async () => {
    const opts = (expectedVersion: ExpectedVersion, key?: string, requestHash = 'h') => ({
      streamType: TYPE,
      expectedVersion,
      ...(key === undefined ? {} : { idempotency: { key, requestHash, response: { key } } }),
    });
    const [anyStream, exact, stale, taken, replayed, reused] = Array.from({ length: 6 }, newStream) as [string, string, string, string, string, string];
    for (const streamId of [anyStream, exact, stale, taken]) await store.appendToStream(streamId, [event(0)], opts('no_stream'));
    const [replayKey, reusedKey] = [randomUUID(), randomUUID()];
    await store.appendToStream(replayed, [event(0)], opts('no_stream', replayKey));
    await store.appendToStream(reused, [event(0)], opts('no_stream', reusedKey));
    const fresh = Array.from({ length: 3 }, newStream);

    const outcomes = await Promise.allSettled([
      ...fresh.map((streamId, n) => store.appendToStream(streamId, [event(n)], opts('no_stream', randomUUID()))),
      store.appendToStream(anyStream, [event(1)], opts('any', randomUUID())),
      store.appendToStream(exact, [event(1), event(2)], opts(1)),
      store.appendToStream(stale, [event(1)], opts(5)),
      store.appendToStream(taken, [event(1)], opts('no_stream', randomUUID())),
      store.appendToStream(replayed, [event(1)], opts(1, replayKey)),
      store.appendToStream(reused, [event(1)], opts(1, reusedKey, 'other request')),
    ]);
    const value = (index: number) => {
      const outcome = outcomes[index];
      assert.ok(outcome?.status === 'fulfilled', `append ${index} was answered, not refused`);
      return outcome.value;
    };
    const refusal = (index: number) => {
      const outcome = outcomes[index];
      assert.ok(outcome?.status === 'rejected', `append ${index} was refused`);
      return outcome.reason as unknown;
    };

    for (const [n, streamId] of fresh.entries()) {
      const result = value(n);
      assert.ok(result.status === 'appended' && result.streamVersion === 1);
      const read = await store.readStream(streamId);
      assert.deepEqual(result.globalPositions, read.events.map((e) => e.globalPosition));
    }
    assert.deepEqual([value(3).status, value(3).streamVersion], ['appended', 2], "'any' appends after what is there");
    const two = value(4);
    assert.ok(two.status === 'appended' && two.streamVersion === 3 && two.globalPositions.length === 2);
    assert.ok(two.globalPositions[0]! < two.globalPositions[1]!, 'positions follow versions');
    const staleError = refusal(5);
    assert.ok(staleError instanceof ConcurrencyError && staleError.actualVersion === 1, 'the stale version names the actual one');
    assert.ok(refusal(6) instanceof ConcurrencyError, 'no_stream on an existing stream conflicts');
    const replay = value(7);
    assert.ok(replay.status === 'duplicate');
    assert.deepEqual(replay.response, { key: replayKey });
    const reusedError = refusal(8);
    assert.ok(reusedError instanceof AppError && reusedError.code === 'IDEMPOTENCY_KEY_REUSED');

    const { rows: commits } = await pool.query(
      'SELECT DISTINCT transaction_id FROM events WHERE stream_id = ANY($1) OR (stream_id = ANY($2) AND stream_version > 1)',
      [fresh, [anyStream, exact]],
    );
    assert.equal(commits.length, 1, 'every append that succeeded shares one transaction');
    assert.deepEqual((await store.readStream(exact)).events.map((e) => e.streamVersion), [1, 2, 3]);
    for (const streamId of [stale, taken, replayed, reused]) assert.equal((await store.readStream(streamId)).streamVersion, 1);
  });

  it('answers a key raced by another process with the winner\'s outcome', async () => {
    const rival = createPgEventStore({ pool, notifier: null, groupCommit: { maxConcurrent: 1, maxBatch: 64 } });
    for (let round = 0; round < 10; round += 1) {
      const streamId = newStream();
      const key = randomUUID();
      const opts = { streamType: TYPE, expectedVersion: 'no_stream' as const, idempotency: { key, requestHash: 'h', response: { round } } };
      const others = Array.from({ length: 3 }, newStream);
      const [mine, theirs] = await Promise.all([
        store.appendToStream(streamId, [event(1)], opts),
        rival.appendToStream(streamId, [event(2)], opts),
        ...others.map((other) => store.appendToStream(other, [event(3)], { streamType: TYPE, expectedVersion: 'no_stream' })),
        ...others.map((other) => rival.appendToStream(`${other}-rival`, [event(3)], { streamType: TYPE, expectedVersion: 'no_stream' })),
      ]);
      assert.deepEqual([mine?.status, theirs?.status].sort(), ['appended', 'duplicate'], `round ${round}`);
      assert.equal((await store.readStream(streamId)).streamVersion, 1);
    }
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
