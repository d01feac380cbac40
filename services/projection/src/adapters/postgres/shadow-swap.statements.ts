import type { Queryable } from './checkpoint.statements.js';
import { liveTables, shadowTables, type ReadModelTables } from './tables.js';

const tableKeys = Object.keys(liveTables) as (keyof ReadModelTables)[];
const RETIRED_SUFFIX = '_retired';

/** Fresh, empty copies with the live tables' columns, defaults, constraints and indexes. */
export async function createShadowTables(db: Queryable): Promise<void> {
  await dropShadowTables(db);
  for (const key of tableKeys) await db.query(`CREATE TABLE ${shadowTables[key]} (LIKE ${liveTables[key]} INCLUDING ALL)`);
}

/** Fresh statistics before the swap, so the first queries on the new tables plan well. */
export async function analyzeShadowTables(db: Queryable): Promise<void> {
  for (const key of tableKeys) await db.query(`ANALYZE ${shadowTables[key]}`);
}

export async function dropShadowTables(db: Queryable): Promise<void> {
  for (const key of tableKeys) await db.query(`DROP TABLE IF EXISTS ${shadowTables[key]}`);
}

/**
 * Stops every reader and writer of the live read models until commit. The versions
 * table goes first: batches touch it before anything else. A bounded wait, because
 * queries queue behind a waiting ACCESS EXCLUSIVE request.
 */
export async function lockLiveTables(db: Queryable, lockTimeoutMs: number): Promise<void> {
  await db.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
  const ordered = [liveTables.streamVersions, ...tableKeys.filter((k) => k !== 'streamVersions').map((k) => liveTables[k])];
  await db.query(`LOCK TABLE ${ordered.join(', ')} IN ACCESS EXCLUSIVE MODE`);
}

export type StreamBehind = Readonly<{ projection: string; streamId: string; shadowVersion: number; liveVersion: number }>;

/** Streams the live consumer applied further than the rebuild read: events too recent for its pass. */
export async function selectStreamsBehind(db: Queryable): Promise<StreamBehind[]> {
  const { rows } = await db.query<{ projection: string; stream_id: string; shadow_version: number; live_version: number }>(
    `SELECT l.projection, l.stream_id, coalesce(s.version, 0) AS shadow_version, l.version AS live_version
     FROM ${liveTables.streamVersions} l
     LEFT JOIN ${shadowTables.streamVersions} s USING (projection, stream_id)
     WHERE l.version > coalesce(s.version, 0)
     ORDER BY l.projection, l.stream_id`,
  );
  return rows.map((r) => ({ projection: r.projection, streamId: r.stream_id, shadowVersion: r.shadow_version, liveVersion: r.live_version }));
}

const API_COLUMNS = `customer_id, status, currency, total_amount, item_count, items, shipping_address, payment, shipment,
  cancellation_reason, version, created_at, updated_at`;

/** Orders whose detail differs between the models, and orders only the live one has. */
export async function selectOrderDifferences(db: Queryable): Promise<{ changed: string[]; removed: string[] }> {
  const changed = await db.query<{ order_id: string }>(
    `SELECT s.order_id FROM ${shadowTables.orderViews} s LEFT JOIN ${liveTables.orderViews} l USING (order_id)
     WHERE l.order_id IS NULL
        OR (${API_COLUMNS.split(',').map((c) => `s.${c.trim()}`).join(', ')})
           IS DISTINCT FROM (${API_COLUMNS.split(',').map((c) => `l.${c.trim()}`).join(', ')})`,
  );
  const removed = await db.query<{ order_id: string }>(
    `SELECT l.order_id FROM ${liveTables.orderViews} l
     WHERE NOT EXISTS (SELECT 1 FROM ${shadowTables.orderViews} s WHERE s.order_id = l.order_id)`,
  );
  return { changed: changed.rows.map((r) => r.order_id), removed: removed.rows.map((r) => r.order_id) };
}

// `CREATE [UNIQUE] INDEX <name> ON <table> USING ...`: equal once name and table are cut out
const normalised = (indexdef: string): string => indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, 'CREATE $1INDEX ON ');

async function indexesOf(db: Queryable, table: string): Promise<{ name: string; shape: string }[]> {
  const { rows } = await db.query<{ indexname: string; indexdef: string }>(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1',
    [table],
  );
  return rows.map((r) => ({ name: r.indexname, shape: normalised(r.indexdef) }));
}

/**
 * Puts each shadow table in its live table's place and gives its indexes (and so its
 * primary-key constraint) the live names back, all inside the caller's transaction.
 * Statements already waiting on a live table resolve its name again once they get the
 * lock, and so read the new table.
 */
export async function swapShadowTables(db: Queryable): Promise<void> {
  for (const key of tableKeys) {
    const live = liveTables[key];
    const retired = `${live}${RETIRED_SUFFIX}`;
    await db.query(`ALTER TABLE ${live} RENAME TO ${retired}`);
    await db.query(`ALTER TABLE ${shadowTables[key]} RENAME TO ${live}`);
    const oldIndexes = await indexesOf(db, retired);
    const newIndexes = await indexesOf(db, live);
    await db.query(`DROP TABLE ${retired}`);
    for (const index of newIndexes) {
      const original = oldIndexes.find((o) => o.shape === index.shape);
      if (original && original.name !== index.name) await db.query(`ALTER INDEX ${index.name} RENAME TO ${original.name}`);
    }
  }
}

/** Greater than every revision handed out before: the fence for cache writes from the old model. */
export async function nextRevision(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ revision: string }>(`SELECT nextval('read_model_revision_seq')::text AS revision`);
  return rows[0]?.revision ?? '0';
}
