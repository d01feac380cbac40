import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { orderStreamId } from '@orderflow/contracts';
import { LockLostError } from '../../relay/partition-locks.js';
import { createIsolatedDatabase, type IsolatedDatabase } from '../../testing/isolated-database.js';
import { silentLogger } from '../../testing/relay-fixtures.js';
import { appendOrderEvent, orderStore, waitFor } from '../../testing/test-events.js';
import { openLockSession } from './lock-session.js';

describe('PostgreSQL lock session', () => {
  let db: IsolatedDatabase;
  before(async () => {
    db = await createIsolatedDatabase();
  });
  after(() => db.drop());

  const open = (events: { notified?: string[]; lost?: () => void } = {}) =>
    openLockSession({
      databaseUrl: db.url,
      logger: silentLogger,
      onNotification: (payload) => events.notified?.push(payload ?? ''),
      onLost: events.lost ?? (() => {}),
    });

  const lockPids = async (): Promise<number[]> => {
    const { rows } = await db.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'outbox-relay-locks'`,
    );
    return rows.map((r) => r.pid);
  };

  it('grants a partition to one session at a time and counts live relays', async () => {
    const first = await open();
    const second = await open();
    try {
      assert.equal(await first.tryLock(3), true);
      assert.equal(await second.tryLock(3), false);
      assert.equal(await second.tryLock(4), true);
      assert.equal(await first.liveRelays(), 2);
      await first.unlock(3);
      assert.equal(await second.tryLock(3), true);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('loses every lock with its connection, and another session takes them', async () => {
    let lostCalls = 0;
    const earlier = await lockPids();
    const doomed = await open({ lost: () => (lostCalls += 1) });
    const [doomedPid] = (await lockPids()).filter((pid) => !earlier.includes(pid));
    assert.ok(doomedPid !== undefined);
    const survivor = await open();
    try {
      assert.equal(await doomed.tryLock(7), true);
      assert.equal(await survivor.tryLock(7), false);
      await db.pool.query('SELECT pg_terminate_backend($1)', [doomedPid]);
      await waitFor(async () => doomed.lost, 5_000, 'session noticed its connection is gone');
      assert.equal(lostCalls, 1);
      await assert.rejects(doomed.confirm(), LockLostError);
      assert.equal(await survivor.tryLock(7), true);
      assert.equal(await survivor.liveRelays(), 1);
    } finally {
      await survivor.close();
    }
  });

  it('hears the partition of every committed append', async () => {
    const notified: string[] = [];
    const session = await open({ notified });
    try {
      const orderId = randomUUID();
      await appendOrderEvent(orderStore(db.pool), orderId, 1);
      const { rows } = await db.pool.query<{ p: number }>('SELECT outbox_partition($1) AS p', [orderStreamId(orderId)]);
      await waitFor(async () => notified.length > 0, 5_000, 'notification received');
      assert.deepEqual(notified, [String(rows[0]?.p)]);
    } finally {
      await session.close();
    }
  });
});
