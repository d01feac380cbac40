import pg from 'pg';

/** The integration tests' database; shared by concurrent runs, so tests use fresh ids. */
export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow_test';

type Migrate = { migrate: (databaseUrl: string) => Promise<void> };

/**
 * Applies the repository's migrations. Two test processes may create the database at
 * the same moment, and PostgreSQL can report that as a unique violation the script does
 * not expect, so one retry follows a failure.
 */
export async function migrateTestDatabase(): Promise<void> {
  const script = new URL('../../../scripts/migrate.mjs', import.meta.url);
  const { migrate } = (await import(script.href)) as Migrate;
  await migrate(testDatabaseUrl).catch(() => migrate(testDatabaseUrl));
}

export const createTestPool = (max = 20): pg.Pool => new pg.Pool({ connectionString: testDatabaseUrl, max });

/**
 * Test streams are not domain streams: their outbox rows are removed so a relay running
 * against the same database never publishes them.
 */
export async function removeTestOutboxRows(pool: pg.Pool, streamPrefix: string): Promise<void> {
  await pool.query("DELETE FROM outbox WHERE stream_id LIKE $1 || '%'", [streamPrefix]);
}
