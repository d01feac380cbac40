import pg from 'pg';

export const testEnv = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow_test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8091/apis/ccompat/v7',
};

type Migrate = { migrate: (databaseUrl: string) => Promise<void> };

/** Applies the repository's migrations; one retry covers two processes creating the database at once. */
export async function migrateDatabase(url: string = testEnv.databaseUrl): Promise<void> {
  const script = new URL('../../../../scripts/migrate.mjs', import.meta.url);
  const { migrate } = (await import(script.href)) as Migrate;
  await migrate(url).catch(() => migrate(url));
}

/**
 * A pool for test code. Idle connections can be terminated under it (a private database
 * dropped WITH (FORCE) at teardown); like the services' pools, it lets the pool replace
 * them instead of crashing the test process on an unhandled 'error' event.
 */
export function testPool(url: string = testEnv.databaseUrl, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}

export type PrivateDatabase = Readonly<{ url: string; drop: () => Promise<void> }>;

/**
 * A database of its own, for tests that rebuild: a rebuild swaps whole tables and reads
 * the whole event store, which must not touch what concurrent tests wrote.
 */
export async function createPrivateDatabase(tag: string): Promise<PrivateDatabase> {
  const url = new URL(testEnv.databaseUrl);
  const name = `${url.pathname.slice(1)}_${tag}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const admin = new URL(testEnv.databaseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
