#!/usr/bin/env node
// Creates the database if it is missing, then applies the forward-only numbered SQL
// files in migrations/ with node-pg-migrate. Usage: node scripts/migrate.mjs [DATABASE_URL]
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const url = process.argv[2] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow';

export async function ensureDatabase(databaseUrl) {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      // identifiers cannot be bound parameters; the name is quoted instead
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((e) => {
        // created concurrently by another process: 42P04, or 23505 when both passed the check
        if (e.code !== '42P04' && e.code !== '23505') throw e;
      });
    }
  } finally {
    await client.end();
  }
}

export async function migrate(databaseUrl) {
  await ensureDatabase(databaseUrl);
  await runner({
    databaseUrl,
    dir: path.join(root, 'migrations'),
    migrationsTable: 'pgmigrations',
    direction: 'up',
    count: Infinity,
    singleTransaction: true,
    // migrations from parallel branches may land in any order; each is written to stand alone
    checkOrder: false,
    log: () => {},
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  migrate(url).then(
    () => console.log(`migrations applied to ${new URL(url).pathname.slice(1)}`),
    (e) => {
      console.error(`migration failed: ${e.message}`);
      process.exit(1);
    },
  );
}
