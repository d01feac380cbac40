import { randomBytes } from 'node:crypto';
import pg from 'pg';

const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow_test';

type Migrate = { migrate: (databaseUrl: string) => Promise<void> };

export type IsolatedDatabase = Readonly<{ url: string; pool: pg.Pool; drop: () => Promise<void> }>;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A fresh, migrated database on the test server. A relay publishes and deletes every
 * outbox row it can see, so a relay test sharing `orderflow_test` would steal other
 * tests' rows (and they its own); advisory locks are per database too, so relays of
 * concurrent tests never compete for partitions.
 */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const url = new URL(baseUrl);
  const name = `${decodeURIComponent(url.pathname.slice(1))}_relay_${randomBytes(5).toString('hex')}`;
  url.pathname = `/${name}`;
  const script = new URL('../../../../scripts/migrate.mjs', import.meta.url);
  const { migrate } = (await import(script.href)) as Migrate;
  await migrate(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  pool.on('error', () => {});
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const admin = new URL(baseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        // FORCE: a killed relay's connection may linger for a moment
        await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
