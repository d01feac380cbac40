import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ConcurrencyError } from '@orderflow/platform/errors';
import pg from 'pg';
import { aggregateStream } from './aggregate-stream.js';
import { OUTBOX_CHANNEL, type GlobalCheckpoint } from './event-store.js';
import { collect, endOfLog, TEST_STREAM_PREFIX } from './event-store.contract.js';
import { outboxPartitionOf } from './outbox-partition.js';
import { createPgEventStore, type PgEventStore } from './pg-event-store.js';
import { createTestPool, migrateTestDatabase, removeTestOutboxRows, testDatabaseUrl } from './pg-test-database.js';

let pool: pg.Pool;
let store: PgEventStore;

before(async () => {
  await migrateTestDatabase();
  pool = createTestPool();
  store = createPgEventStore({
    pool,
    currentSchemaVersions: { TestLegacyItemAdded: 2 },
    upcasters: { TestLegacyItemAdded: { 1: (data) => ({ sku: data['productId'], quantity: data['qty'] ?? 1 }) } },
  });
});

after(async () => {
  await store.close();
  await removeTestOutboxRows(pool, TEST_STREAM_PREFIX);
  await pool.end();
});

const newId = (prefix: string) => `${TEST_STREAM_PREFIX}${prefix}-${randomUUID()}`;
const metadata = { correlationId: 'corr-1', causationId: null };
const appendOne = (streamId: string, type = 'TestHappened') =>
  store.appendToStream(streamId, [{ type, data: { n: 1 }, metadata }], { streamType: 'EventStoreTest', expectedVersion: 'any' });

/** The append function called the way the adapter calls it, on a client whose transaction the test holds. */
const APPEND_SQL = `SELECT global_positions::text[] AS positions, pg_current_xact_id()::text AS tx
  FROM append_events($1, 'EventStoreTest', NULL, $2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[])`;
const appendParams = (streamId: string, count: number) => [
  streamId,
  Array.from({ length: count }, () => randomUUID()),
  Array.from({ length: count }, () => 'TestHappened'),
  Array.from({ length: count }, () => 1),
  Array.from({ length: count }, (_, i) => JSON.stringify({ n: i + 1 })),
  Array.from({ length: count }, () => JSON.stringify(metadata)),
];

const readUntil = (from: GlobalCheckpoint, streamIds: string[], want: number) => collect(store, from, streamIds, want, 500);

describe('PostgreSQL event store guarantees', () => {
  it('never lets readAll pass a transaction that took an earlier position but commits later', async () => {
    const [early, late] = [newId('early'), newId('late')];
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      const { rows } = await holder.query<{ positions: string[]; tx: string }>(APPEND_SQL, appendParams(early, 1));
      const from = { transactionId: BigInt(rows[0]!.tx), globalPosition: BigInt(rows[0]!.positions[0]!) - 1n };
      const committed = await appendOne(late);
      assert.ok(committed.status === 'appended' && committed.globalPositions[0]! > from.globalPosition + 1n);

      const whileOpen = await store.readAll({ fromPosition: from, limit: 500 });
      assert.deepEqual(whileOpen.events, []);
      assert.deepEqual(whileOpen.checkpoint, from);

      await holder.query('COMMIT');
      const seen = await readUntil(from, [early, late], 2);
      assert.deepEqual(seen.map((e) => e.streamId), [early, late]);
    } finally {
      await holder.query('ROLLBACK'); // a no-op after COMMIT; never hand an open transaction back to the pool
      holder.release();
    }
  });

  it('writes one outbox row per event in the stream\'s partition, and never notifies from the append\'s transaction', async () => {
    const streamId = newId('outbox');
    const listener = new pg.Client({ connectionString: testDatabaseUrl });
    const writer = await pool.connect();
    await listener.connect();
    try {
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      const { rows: pids } = await writer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const fromWriter: pg.Notification[] = [];
      listener.on('notification', (n) => {
        if (n.processId === pids[0]?.pid) fromWriter.push(n);
      });
      await writer.query('BEGIN');
      const { rows } = await writer.query<{ positions: string[] }>(APPEND_SQL, appendParams(streamId, 3));
      const { rows: outbox } = await writer.query<{ id: string; global_position: string; partition: number; expected: number }>(
        `SELECT id::text, global_position::text, partition, outbox_partition($1) AS expected
         FROM outbox WHERE stream_id = $1 ORDER BY id`,
        [streamId],
      );
      assert.deepEqual(outbox.map((r) => r.global_position), rows[0]?.positions);
      assert.ok(outbox.every((r) => r.partition === r.expected && r.partition === outboxPartitionOf(streamId)));
      await writer.query('COMMIT');
      // a NOTIFY in the append would be delivered now; the store announces from its own connection instead
      await writer.query('SELECT 1');
      await sleep(200);
      assert.deepEqual(fromWriter, [], 'the append transaction must not take the notification queue lock');
    } finally {
      await writer.query('ROLLBACK');
      writer.release();
      await listener.end();
    }
  });

  it('computes the outbox partition of a stream exactly as the database does', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `${i % 3 === 0 ? 'order' : 'inventory'}-${randomUUID()}-é${i}`);
    const { rows } = await pool.query<{ partition: number }>(
      'SELECT outbox_partition(id) AS partition FROM unnest($1::text[]) WITH ORDINALITY AS t (id, n) ORDER BY n',
      [ids],
    );
    assert.deepEqual(ids.map(outboxPartitionOf), rows.map((r) => r.partition));
    assert.equal(new Set(rows.map((r) => r.partition)).size, 16);
  });

  it('upcasts a version 1 event stored by an older writer', async () => {
    const streamId = newId('cart');
    const from = await endOfLog(store);
    await pool.query(
      `WITH stream AS (INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, 'EventStoreTest', 1))
       INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
       VALUES ($1, 'EventStoreTest', 1, $2, 'TestLegacyItemAdded', 1, $3, $4)`,
      [streamId, randomUUID(), JSON.stringify({ productId: 'p-9', qty: 3 }), JSON.stringify(metadata)],
    );
    const read = await store.readStream(streamId);
    assert.deepEqual(read.events.map((e) => [e.schemaVersion, e.data]), [[2, { sku: 'p-9', quantity: 3 }]]);
    const [fromLog] = await readUntil(from, [streamId], 1);
    assert.deepEqual(fromLog?.data, { sku: 'p-9', quantity: 3 });
    const current = { type: 'TestLegacyItemAdded', data: { sku: 'p-1', quantity: 1 }, metadata };
    const next = await store.appendToStream(streamId, [current], {
      streamType: 'EventStoreTest',
      expectedVersion: 1,
    });
    assert.equal(next.streamVersion, 2);
    assert.deepEqual((await store.readStream(streamId)).events.map((e) => e.schemaVersion), [2, 2]);
  });

  it('turns a version collision with a writer that bypassed the streams row into a ConcurrencyError', async () => {
    const streamId = newId('bypass');
    await pool.query(
      `INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data)
       VALUES ($1, 'EventStoreTest', 1, $2, 'TestHappened', 1, '{}')`,
      [streamId, randomUUID()],
    );
    const appending = store.appendToStream(streamId, [{ type: 'TestHappened', data: {}, metadata }], {
      streamType: 'EventStoreTest',
      expectedVersion: 'no_stream',
    });
    await assert.rejects(appending, (e) => e instanceof ConcurrencyError && e.streamId === streamId);
    assert.equal(await store.streamVersion(streamId), 0, 'the streams row must roll back with the events');
  });

  it('ignores a snapshot whose key is stale and replays the stream from the start', async () => {
    const streamId = newId('snap');
    for (const n of [1, 2, 3]) {
      const added = [{ type: 'TestAdded', data: { n }, metadata }];
      await store.appendToStream(streamId, added, { streamType: 'EventStoreTest', expectedVersion: n - 1 });
    }
    const fold = (key: string) =>
      aggregateStream<number, { type: 'TestAdded'; data: { n: number } }>(store, {
        streamId,
        evolve: (sum, e) => sum + e.data.n,
        initialState: () => 0,
        snapshot: { key, every: 10 },
      });
    await store.saveSnapshot({ streamId, streamVersion: 2, snapshotKey: 'evolve-v1', state: { shape: 'from older code' } });
    assert.deepEqual(await fold('evolve-v2'), { state: 6, streamVersion: 3, snapshotVersion: null });
    await store.saveSnapshot({ streamId, streamVersion: 2, snapshotKey: 'evolve-v2', state: 100 });
    assert.deepEqual(await fold('evolve-v2'), { state: 103, streamVersion: 3, snapshotVersion: 2 });
  });
});
