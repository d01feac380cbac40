import { createIsolatedDatabase as isolatedDatabase, type IsolatedDatabase } from '@orderflow/event-store/pg-test-database';

export type { IsolatedDatabase };

/**
 * A fresh, migrated database on the test server. A relay publishes and deletes every
 * outbox row it can see, so a relay test sharing `orderflow_test` would steal other
 * tests' rows (and they its own); advisory locks are per database too, so relays of
 * concurrent tests never compete for partitions.
 */
export const createIsolatedDatabase = (): Promise<IsolatedDatabase> => isolatedDatabase('relay');
