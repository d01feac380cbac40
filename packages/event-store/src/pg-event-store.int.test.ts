import { after, before } from 'node:test';
import type pg from 'pg';
import { eventStoreContract, TEST_STREAM_PREFIX } from './event-store.contract.js';
import type { OutboxNotifier } from './outbox-notifier.js';
import { createPgEventStore } from './pg-event-store.js';
import { createPgOutboxNotifier } from './pg-outbox-notifier.js';
import { createTestPool, migrateTestDatabase, removeTestOutboxRows, testDatabaseUrl } from './pg-test-database.js';

let pool: pg.Pool;
// one for every store the suite makes: a connection each would crowd a shared server
let notifier: OutboxNotifier;

before(async () => {
  await migrateTestDatabase();
  pool = createTestPool();
  notifier = createPgOutboxNotifier({ connectionString: testDatabaseUrl }, (error) => {
    throw error;
  });
});

after(async () => {
  await notifier.close();
  await removeTestOutboxRows(pool, TEST_STREAM_PREFIX);
  await pool.end();
});

eventStoreContract({ makeStore: (options) => createPgEventStore({ pool, notifier, ...options }) });
