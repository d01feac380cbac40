import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

export type TestDatabase = Readonly<{ url: string; pool: pg.Pool; drop: () => Promise<void> }>;

const baseUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow_test';

/**
 * A migrated database of the test's own, on the server DATABASE_URL names. The
 * orchestrator's dispatcher and deadline timer serve every saga in their database (any
 * instance picks up any due command), so a test running an orchestrator must not share
 * its database with other tests' orchestrators or a running system.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `orderflow_saga_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  const { migrate } = (await import(pathToFileURL(migrateScript()).href)) as { migrate: (url: string) => Promise<void> };
  await migrate(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const admin = new URL(baseUrl());
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await dropWhenUnused(client, name);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * pg's pool.end() resolves before its sockets are closed; forcing the drop at once would
 * kill those sessions and surface as errors. Wait for them to go, and force only if they
 * linger.
 */
async function dropWhenUnused(client: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '55006') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

function migrateScript(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'scripts', 'migrate.mjs');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`scripts/migrate.mjs not found above ${from}`);
  }
}

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
