import pg from 'pg';
import { stockTypes } from './pg-types.js';

type Migrate = { migrate: (databaseUrl: string) => Promise<void> };

/** The repository's migrations, applied to the benchmark database (created if missing). */
export async function migrateBenchDatabase(databaseUrl: string): Promise<void> {
  const script = new URL('../../../scripts/migrate.mjs', import.meta.url);
  const { migrate } = (await import(script.href)) as Migrate;
  await migrate(databaseUrl);
}

export const benchPool = (databaseUrl: string, max: number): pg.Pool =>
  new pg.Pool({ connectionString: databaseUrl, max, types: stockTypes });

/**
 * The benchmark database belongs to the benchmarks alone; every suite starts from empty
 * write tables so one run's figures do not depend on how many runs came before.
 */
export async function emptyEventStoreTables(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE events, streams, outbox, idempotency_keys, snapshots');
}
