import type pg from 'pg';
import type { OrderChange } from './order-change.js';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export type StreamKey = Readonly<{ projection: string; streamId: string }>;

export const streamKeyString = (k: StreamKey): string => `${k.projection}\u0000${k.streamId}`;

/** FNV-1a, folded to a signed int4: the second key of a two-key advisory lock. */
export function lockHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * Transaction-scoped locks on every key, always taken in ascending order so two
 * batches never wait on each other in a cycle. A hash collision only serialises more.
 */
export async function lockKeys(db: Queryable, lockClass: number, keys: readonly string[]): Promise<void> {
  const hashes = [...new Set(keys.map(lockHash))].sort((a, b) => a - b);
  if (hashes.length === 0) return;
  await db.query('SELECT pg_advisory_xact_lock($1::int, k) FROM unnest($2::int[]) AS k', [lockClass, hashes]);
}

export async function selectStreamVersions(db: Queryable, table: string, keys: readonly StreamKey[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<{ projection: string; stream_id: string; version: number }>(
    `SELECT v.projection, v.stream_id, v.version FROM ${table} v
     JOIN unnest($1::text[], $2::text[]) AS k(projection, stream_id) USING (projection, stream_id)`,
    [keys.map((k) => k.projection), keys.map((k) => k.streamId)],
  );
  return new Map(rows.map((r) => [streamKeyString({ projection: r.projection, streamId: r.stream_id }), r.version]));
}

export type StreamStates = Readonly<{ versions: Map<string, number>; parked: Set<string> }>;

/**
 * The applied version of each stream and, with `withParked`, which of them are parked:
 * one round trip for what a batch reads before it folds.
 */
export async function selectStreamStates(
  db: Queryable,
  table: string,
  keys: readonly StreamKey[],
  withParked: boolean,
): Promise<StreamStates> {
  if (keys.length === 0) return { versions: new Map(), parked: new Set() };
  const { rows } = await db.query<{ projection: string; stream_id: string; version: number | null; parked: boolean }>(
    `SELECT k.projection, k.stream_id, v.version,
            $3::boolean AND EXISTS (SELECT 1 FROM projection_parked_streams p
                                    WHERE p.projection = k.projection AND p.stream_id = k.stream_id) AS parked
     FROM unnest($1::text[], $2::text[]) AS k(projection, stream_id)
     LEFT JOIN ${table} v ON v.projection = k.projection AND v.stream_id = k.stream_id`,
    [keys.map((k) => k.projection), keys.map((k) => k.streamId), withParked],
  );
  const versions = new Map<string, number>();
  const parked = new Set<string>();
  for (const r of rows) {
    const key = streamKeyString({ projection: r.projection, streamId: r.stream_id });
    if (r.version !== null) versions.set(key, r.version);
    if (r.parked) parked.add(key);
  }
  return { versions, parked };
}

export async function upsertStreamVersions(db: Queryable, table: string, versions: readonly (StreamKey & { version: number })[]): Promise<void> {
  if (versions.length === 0) return;
  const sorted = [...versions].sort((a, b) => streamKeyString(a).localeCompare(streamKeyString(b)));
  await db.query(
    `INSERT INTO ${table} (projection, stream_id, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
     ON CONFLICT (projection, stream_id) DO UPDATE SET version = EXCLUDED.version`,
    [sorted.map((v) => v.projection), sorted.map((v) => v.streamId), sorted.map((v) => v.version)],
  );
}

/** PostgreSQL delivers these at commit, so a waiter never sees a version before it is readable. */
export async function notifyOrderViews(db: Queryable, changes: readonly OrderChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(`SELECT pg_notify('order_view_updated', x) FROM unnest($1::text[]) AS x`, [
    changes.map((c) => `${c.orderId}:${c.version}`),
  ]);
}
