import pg from 'pg';
import type { Logger } from 'pino';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// bigint columns (global positions, offsets) arrive as strings by default; callers
// convert to BigInt where they need arithmetic, so no precision is ever lost to Number.

export function createPool(connectionString: string, logger: Logger, opts: { max?: number; name?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    application_name: opts.name,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // an idle client losing its connection must not crash the process; the pool replaces it
  pool.on('error', (err) => logger.warn({ event: 'pg.pool_error', err }, 'idle PostgreSQL client failed'));
  return pool;
}

export const pgCheck = (pool: pg.Pool) => ({ name: 'postgres', check: () => pool.query('SELECT 1') });

/**
 * Runs `work` in one transaction on one client; rolls back on any error. With
 * `beginSent`, `work` sends BEGIN itself, together with its first statement.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: Readonly<{ beginSent?: boolean }> = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    if (!options.beginSent) await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
