import pg from 'pg';
import type { Logger } from 'pino';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// bigint columns (global positions, offsets) arrive as strings by default; callers
// convert to BigInt where they need arithmetic, so no precision is ever lost to Number.

export type PoolOptions = Readonly<{
  max?: number;
  name?: string;
  /**
   * For a pool whose statements all find their rows by key: its sessions tell the planner
   * to stay on the indexes (enable_seqscan off). A prepared statement's generic plan is made
   * once per connection, with the table sizes of that moment, and kept until the next
   * ANALYZE of its tables. Made while a table is still small (a new database, the first
   * minutes of a deployment), it scans the table, since that is cheapest then, and goes
   * on scanning it as it grows. A statement with no index to use still runs: the setting
   * only makes a scan the planner's last resort.
   */
  preferIndexes?: boolean;
}>;

export function createPool(connectionString: string, logger: Logger, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    application_name: opts.name,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(opts.preferIndexes ? { options: '-c enable_seqscan=off' } : {}),
  });
  // an idle client losing its connection must not crash the process; the pool replaces it
  pool.on('error', (err) => logger.warn({ event: 'pg.pool_error', err }, 'idle PostgreSQL client failed'));
  return pool;
}

/**
 * `pool.query`, except that a statement the server refused gives its connection back to
 * the pool. `pool.query` closes the connection on any error; after an error response it is
 * still sound, and a new one costs the server a process and the client every prepared
 * statement again. For autocommit statements expected to fail now and then (a guarded
 * write losing a race); any other failure (a session the server ended, a broken socket)
 * still closes the connection.
 */
export async function queryKeepingConnection<R extends pg.QueryResultRow>(pool: pg.Pool, config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await client.query<R>(config);
  } catch (error) {
    // ERROR leaves the session usable; FATAL and PANIC end it, and a non-server error means the socket went
    if (!(error instanceof pg.DatabaseError && error.severity === 'ERROR')) broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
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
