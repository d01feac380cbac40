import { after, before } from 'node:test';
import type pg from 'pg';
import { eventStoreContract, TEST_STREAM_PREFIX } from './event-store.contract.js';
import { createPgEventStore } from './pg-event-store.js';
import { createTestPool, migrateTestDatabase, removeTestOutboxRows } from './pg-test-database.js';

// The same contract with group commit off: every append its own statement and transaction.
let pool: pg.Pool;

before(async () => {
  await migrateTestDatabase();
  pool = createTestPool();
});

after(async () => {
  await removeTestOutboxRows(pool, TEST_STREAM_PREFIX);
  await pool.end();
});

eventStoreContract({ makeStore: (options) => createPgEventStore({ pool, notifier: null, groupCommit: false, ...options }) });
