import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { TEST_STREAM_PREFIX } from './event-store.contract.js';
import { createPgEventStore, type PgEventStore } from './pg-event-store.js';
import { createTestPool, migrateTestDatabase, removeTestOutboxRows } from './pg-test-database.js';

let pool: pg.Pool;
let store: PgEventStore;

before(async () => {
  await migrateTestDatabase();
  pool = createTestPool();
  store = createPgEventStore({ pool, notifier: null });
});

after(async () => {
  await removeTestOutboxRows(pool, TEST_STREAM_PREFIX);
  await pool.end();
});

async function appendWithKey(key: string): Promise<string> {
  const streamId = `${TEST_STREAM_PREFIX}retention-${randomUUID()}`;
  await store.appendToStream(
    streamId,
    [{ type: 'TestHappened', data: { n: 1 }, metadata: { correlationId: randomUUID(), causationId: null } }],
    { streamType: 'RetentionTest', expectedVersion: 'no_stream', idempotency: { key, requestHash: 'h', response: { streamId } } },
  );
  return streamId;
}

const keyExists = async (key: string) => (await store.findIdempotentResponse(key)) !== null;

describe('idempotency key retention', () => {
  it('deletes keys older than the cut-off in chunks, oldest first, and keeps the rest and every event', async () => {
    // far in the past, so keys of other concurrent test runs are never among the oldest
    const epoch = new Date('2001-01-01T00:00:00Z');
    const old = Array.from({ length: 5 }, () => randomUUID());
    const fresh = randomUUID();
    const streams = [];
    for (const key of [...old, fresh]) streams.push(await appendWithKey(key));
    for (const [i, key] of old.entries()) {
      await pool.query('UPDATE idempotency_keys SET created_at = $2 WHERE key = $1', [key, new Date(epoch.getTime() + i * 60_000)]);
    }
    const cutOff = new Date(epoch.getTime() + 10 * 60_000);

    assert.equal(await store.pruneIdempotencyKeys(cutOff, 2), 2, 'a chunk is at most the limit');
    assert.deepEqual(await Promise.all(old.map(keyExists)), [false, false, true, true, true], 'oldest first');
    assert.equal(await store.pruneIdempotencyKeys(cutOff, 10), 3);
    assert.equal(await store.pruneIdempotencyKeys(cutOff, 10), 0, 'nothing older is left');
    assert.ok(await keyExists(fresh), 'a key newer than the cut-off stays');
    for (const streamId of streams) assert.equal((await store.readStream(streamId)).streamVersion, 1, 'events are never pruned');
  });

  it('treats a retry with a pruned key as a new command', async () => {
    const key = randomUUID();
    await appendWithKey(key);
    await pool.query("UPDATE idempotency_keys SET created_at = '2001-01-01' WHERE key = $1", [key]);
    await store.pruneIdempotencyKeys(new Date('2001-01-02'), 100);
    assert.equal(await keyExists(key), false);
    const again = await appendWithKey(key);
    assert.equal((await store.readStream(again)).streamVersion, 1, 'the key is free again');
  });

  it('refuses a limit that is not a positive integer', () => {
    assert.throws(() => store.pruneIdempotencyKeys(new Date(), 0), RangeError);
  });
});
