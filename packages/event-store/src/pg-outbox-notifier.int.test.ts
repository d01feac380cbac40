import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TEST_STREAM_PREFIX } from './event-store.contract.js';
import { OUTBOX_CHANNEL } from './event-store.js';
import { createCoalescingNotifier } from './outbox-notifier.js';
import { outboxPartitionOf } from './outbox-partition.js';
import { createPgEventStore } from './pg-event-store.js';
import { createPgAnnouncer } from './pg-outbox-notifier.js';
import { createTestPool, migrateTestDatabase, removeTestOutboxRows, testDatabaseUrl } from './pg-test-database.js';

let pool: pg.Pool;

before(async () => {
  await migrateTestDatabase();
  pool = createTestPool();
});

after(async () => {
  await removeTestOutboxRows(pool, TEST_STREAM_PREFIX);
  await pool.end();
});

const metadata = { correlationId: 'corr-notify', causationId: null };

/** Notifications on the outbox channel, by sending backend; other test runs share the database. */
async function listen() {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  const received: pg.Notification[] = [];
  client.on('notification', (n) => received.push(n));
  await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
  return { received, close: () => client.end() };
}

async function backendPid(applicationName: string): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  assert.equal(rows.length, 1, 'the notifier holds exactly one connection');
  return rows[0]!.pid;
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within 5 s`);
    await sleep(20);
  }
}

describe('PostgreSQL outbox announcements', () => {
  it('announce every partition after its commit, coalesced, while appends never wait for them', async () => {
    const applicationName = `es-test-notifier-${randomUUID()}`;
    const failures: unknown[] = [];
    const announcer = createPgAnnouncer({ connectionString: testDatabaseUrl, application_name: applicationName });
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const batches: number[][] = [];
    const visibleAtFirstCall: number[] = [];
    const notifier = createCoalescingNotifier({
      announce: async (partitions) => {
        batches.push([...partitions]);
        if (batches.length === 1) {
          const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE stream_id = $1', [streams[0]]);
          visibleAtFirstCall.push(rows[0]?.n ?? -1);
        }
        await gate;
        await announcer.announce(partitions);
      },
      onError: (e) => failures.push(e),
      close: announcer.close,
    });
    const store = createPgEventStore({ pool, notifier });
    const listener = await listen();
    const streams = Array.from({ length: 12 }, (_, i) => `${TEST_STREAM_PREFIX}notify-${i}-${randomUUID()}`);
    const append = (streamId: string) =>
      store.appendToStream(streamId, [{ type: 'TestHappened', data: {}, metadata }], {
        streamType: 'EventStoreTest',
        expectedVersion: 'no_stream',
      });
    try {
      await append(streams[0]!);
      // the first announcement is held at the gate: these appends commit regardless
      await Promise.all(streams.slice(1).map(append));
      assert.equal(batches.length, 1, 'one announcement in flight at a time');
      assert.deepEqual(visibleAtFirstCall, [1], 'announced only once the rows are visible to a relay');

      openGate();
      await notifier.settled();
      const later = [...new Set(streams.slice(1).map(outboxPartitionOf))].sort((a, b) => a - b);
      assert.deepEqual(batches, [[outboxPartitionOf(streams[0]!)], later], 'what piled up went out as one announcement');

      const pid = await backendPid(applicationName);
      const expected = batches.flat().map(String).sort();
      const fromNotifier = () => listener.received.filter((n) => n.processId === pid);
      await until(() => fromNotifier().length >= expected.length, 'notifications');
      await sleep(100);
      assert.deepEqual(fromNotifier().map((n) => n.payload).sort(), expected, 'one notification per partition, payload a partition number');
      assert.ok(fromNotifier().every((n) => n.channel === OUTBOX_CHANNEL));
      assert.deepEqual(failures, []);
    } finally {
      openGate();
      await listener.close();
      await store.close();
    }
  });

  it('announces through the store\'s default notifier, on a connection apart from the pool\'s', async () => {
    const applicationName = `es-test-store-${randomUUID()}`;
    const storePool = new pg.Pool({ connectionString: testDatabaseUrl, application_name: applicationName, max: 1 });
    const store = createPgEventStore({ pool: storePool });
    const listener = await listen();
    const streamId = `${TEST_STREAM_PREFIX}default-notifier-${randomUUID()}`;
    try {
      await store.appendToStream(streamId, [{ type: 'TestHappened', data: {}, metadata }], {
        streamType: 'EventStoreTest',
        expectedVersion: 'no_stream',
      });
      const { rows: own } = await storePool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const partition = String(outboxPartitionOf(streamId));
      const announced = async () => {
        const { rows } = await pool.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> $2',
          [applicationName, own[0]?.pid],
        );
        const notifierPids = new Set(rows.map((r) => r.pid));
        return listener.received.some((n) => notifierPids.has(n.processId) && n.payload === partition);
      };
      await until(announced, 'the notification');
    } finally {
      await listener.close();
      await store.close();
      await storePool.end();
    }
  });
});
