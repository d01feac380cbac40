import type pg from 'pg';
import type { StatementParams } from './statement-params.js';

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

const lockHashes = (keys: readonly string[]): number[] => [...new Set(keys.map(lockHash))].sort((a, b) => a - b);

/**
 * Transaction-scoped locks on every key, always taken in ascending order so two
 * batches never wait on each other in a cycle. A hash collision only serialises more.
 */
export async function lockKeys(db: Queryable, lockClass: number, keys: readonly string[]): Promise<void> {
  const hashes = lockHashes(keys);
  if (hashes.length === 0) return;
  await db.query('SELECT pg_advisory_xact_lock($1::int, k) FROM unnest($2::int[]) AS k', [lockClass, hashes]);
}

/**
 * BEGIN and `lockKeys` in one round trip (two statements in one simple query; the caller
 * then owns COMMIT or ROLLBACK). Only integers are written into the text, the lock class
 * and the hashes, never a value taken from a message.
 */
export async function beginWithLocks(db: Queryable, lockClass: number, keys: readonly string[]): Promise<void> {
  const hashes = lockHashes(keys);
  if (![lockClass, ...hashes].every((n) => Number.isSafeInteger(n))) throw new Error('advisory lock keys must be integers');
  const locks = hashes.length === 0 ? '' : `; SELECT pg_advisory_xact_lock(${lockClass}, k) FROM unnest('{${hashes.join(',')}}'::int[]) AS k`;
  await db.query(`BEGIN${locks}`);
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

export type StreamStateRow = { projection: string; stream_id: string; version: number | null; parked: boolean };

/** The applied version of each stream and, with `withParked`, whether it is parked. */
export const selectStreamStatesSql = (table: string, p: StatementParams, keys: readonly StreamKey[], withParked: boolean): string =>
  `SELECT k.projection, k.stream_id, v.version,
          ${p.bind(withParked, 'boolean')} AND EXISTS (SELECT 1 FROM projection_parked_streams p
                                  WHERE p.projection = k.projection AND p.stream_id = k.stream_id) AS parked
   FROM unnest(${p.bind(keys.map((k) => k.projection), 'text[]')}, ${p.bind(keys.map((k) => k.streamId), 'text[]')}) AS k(projection, stream_id)
   LEFT JOIN ${table} v ON v.projection = k.projection AND v.stream_id = k.stream_id`;

export function upsertStreamVersionsSql(table: string, p: StatementParams, versions: readonly (StreamKey & { version: number })[]): string {
  const sorted = [...versions].sort((a, b) => streamKeyString(a).localeCompare(streamKeyString(b)));
  return `INSERT INTO ${table} (projection, stream_id, version)
     SELECT * FROM unnest(${p.bind(sorted.map((v) => v.projection), 'text[]')}, ${p.bind(sorted.map((v) => v.streamId), 'text[]')},
       ${p.bind(sorted.map((v) => v.version), 'int[]')})
     ON CONFLICT (projection, stream_id) DO UPDATE SET version = EXCLUDED.version`;
}
