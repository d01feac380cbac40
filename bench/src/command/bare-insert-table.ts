import type pg from 'pg';

export const BARE_TABLE = 'bench_bare_orders';
export const BARE_PATH = '/orders';

/** A plain table, no triggers and one index, emptied before every run. */
export async function prepareBareTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${BARE_TABLE} (
    id uuid PRIMARY KEY,
    idempotency_key text,
    customer_id text NOT NULL,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await pool.query(`TRUNCATE ${BARE_TABLE}`);
}
