import pg from 'pg';

/** The integration tests' database; shared with other suites, so every test uses fresh ids. */
export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow_test';
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Migrate = { migrate: (databaseUrl: string) => Promise<void> };

/** Applies the repository's migrations; one retry covers two processes creating the database at once. */
export async function migrateTestDatabase(): Promise<void> {
  const script = new URL('../../../../scripts/migrate.mjs', import.meta.url);
  const { migrate } = (await import(script.href)) as Migrate;
  await migrate(testDatabaseUrl).catch(() => migrate(testDatabaseUrl));
}

export const createTestPool = (max = 10): pg.Pool => new pg.Pool({ connectionString: testDatabaseUrl, max });
