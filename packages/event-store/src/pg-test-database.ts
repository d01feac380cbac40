import { randomBytes } from 'node:crypto';
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
  const migrate = await migrator();
  await migrate(testDatabaseUrl).catch(() => migrate(testDatabaseUrl));
}

async function migrator(): Promise<Migrate['migrate']> {
  const script = new URL('../../../scripts/migrate.mjs', import.meta.url);
  return ((await import(script.href)) as Migrate).migrate;
}

export type IsolatedDatabase = Readonly<{ url: string; pool: pg.Pool; drop: () => Promise<void> }>;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A fresh, migrated database of the test's own on the test server (named after the test
 * database, `label` and a random suffix), for tests that need tables nobody else writes
 * or empty ones. `drop` ends the pool and removes the database.
 */
export async function createIsolatedDatabase(label: string): Promise<IsolatedDatabase> {
  const url = new URL(testDatabaseUrl);
  const name = `${decodeURIComponent(url.pathname.slice(1))}_${label}_${randomBytes(5).toString('hex')}`;
  url.pathname = `/${name}`;
  await (await migrator())(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  pool.on('error', () => {});
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const admin = new URL(testDatabaseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        // FORCE: a killed process's connection may linger for a moment
        await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export const createTestPool = (max = 20): pg.Pool => new pg.Pool({ connectionString: testDatabaseUrl, max });

/**
 * Test streams are not domain streams: their outbox rows are removed so a relay running
 * against the same database never publishes them.
 */
export async function removeTestOutboxRows(pool: pg.Pool, streamPrefix: string): Promise<void> {
  await pool.query("DELETE FROM outbox WHERE stream_id LIKE $1 || '%'", [streamPrefix]);
}
