import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createIsolatedDatabase, type IsolatedDatabase } from '../../testing/isolated-database.js';
import { appendOrderEvent, orderStore } from '../../testing/test-events.js';
import { completeOutboxBatch, selectOutboxBatch } from './outbox-statements.js';

describe('outbox statements', () => {
  let db: IsolatedDatabase;
  before(async () => {
    db = await createIsolatedDatabase();
  });
  after(() => db.drop());

  const queued = async () => (await db.pool.query<{ id: string }>('SELECT id::text AS id FROM outbox ORDER BY id')).rows.map((r) => r.id);
  const parked = async () => (await db.pool.query<{ id: string }>('SELECT outbox_id::text AS id FROM outbox_parked ORDER BY outbox_id')).rows.map((r) => r.id);

  it('one read completes the last batch (deletes and parks it) and returns the next one without it', async () => {
    const store = orderStore(db.pool);
    const orderId = randomUUID();
    for (let version = 1; version <= 5; version += 1) await appendOrderEvent(store, orderId, version);
    const { rows } = await db.pool.query<{ p: number }>('SELECT DISTINCT partition AS p FROM outbox');
    const partition = rows[0]?.p ?? -1;
    const ids = await queued();
    assert.equal(ids.length, 5);
    const [a, b, c, d, e] = ids as [string, string, string, string, string];

    const first = await selectOutboxBatch(db.pool, partition, 2);
    assert.deepEqual(first.map((r) => r.outboxId), [a, b]);
    assert.deepEqual(first.map((r) => r.event?.streamVersion), [1, 2]);

    const finish = { publishedIds: [a], parked: [{ outboxId: b, reason: 'UNKNOWN_EVENT_TYPE' as const, error: 'no schema' }] };
    const second = await selectOutboxBatch(db.pool, partition, 2, finish);
    assert.deepEqual(second.map((r) => r.outboxId), [c, d], 'the finished rows are left out though the read ran before its own delete');
    assert.deepEqual(await queued(), [c, d, e]);
    assert.deepEqual(await parked(), [b]);

    const again = await selectOutboxBatch(db.pool, partition, 2, finish);
    assert.deepEqual(again.map((r) => r.outboxId), [c, d], 'finishing a batch twice changes nothing');
    assert.deepEqual(await parked(), [b]);

    assert.equal(await completeOutboxBatch(db.pool, { publishedIds: [c, d, e], parked: [] }), 3);
    assert.deepEqual(await queued(), []);
    assert.deepEqual(await selectOutboxBatch(db.pool, partition, 2, { publishedIds: [c], parked: [] }), []);
  });
});
