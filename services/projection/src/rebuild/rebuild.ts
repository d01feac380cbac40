import { START_CHECKPOINT, type EventStore, type GlobalCheckpoint } from '@orderflow/event-store';
import { conflict, inTransaction, type Logger, type Pool, type PoolClient } from '@orderflow/platform';
import { applyEnvelopes } from '../adapters/postgres/batch-writer.js';
import { streamKeyString } from '../adapters/postgres/checkpoint.statements.js';
import { unitOf } from '../adapters/postgres/projection-units.js';
import {
  analyzeShadowTables,
  createShadowTables,
  dropShadowTables,
  lockLiveTables,
  nextRevision,
  selectOrderDifferences,
  selectStreamsBehind,
  swapShadowTables,
  type StreamBehind,
} from '../adapters/postgres/shadow-swap.statements.js';
import { LockClass, shadowTarget } from '../adapters/postgres/tables.js';
import type { OrderCache } from '../adapters/redis/order-cache.js';
import { backoffDelay, sleep } from '../consumer/retry-policy.js';
import type { Envelope } from '../envelope.js';

export type RebuildDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  cache: OrderCache;
  logger: Logger;
  pageSize: number;
  /** Longest the swap waits for the live tables before trying again. */
  lockTimeoutMs: number;
}>;

export type FailedStream = Readonly<{ projection: string; streamId: string; error: string }>;

export type RebuildReport = Readonly<{
  events: number;
  caughtUpEvents: number;
  failedStreams: readonly FailedStream[];
  changedOrders: number;
  removedOrders: number;
  durationMs: number;
}>;

type Progress = { events: number; failed: Map<string, FailedStream> };

/** Applies envelopes to the shadow tables; a stream that fails stays out of the rest of the rebuild. */
async function applyToShadow(client: PoolClient, envelopes: readonly Envelope[], progress: Progress): Promise<number> {
  const wanted = envelopes.filter((e) => {
    const unit = unitOf(e.event.streamType);
    return unit !== undefined && !progress.failed.has(streamKeyString({ projection: unit.name, streamId: e.event.streamId }));
  });
  if (wanted.length === 0) return 0;
  const result = await applyEnvelopes(client, shadowTarget, wanted);
  for (const f of result.failures) {
    const key = { projection: f.projection, streamId: f.envelope.event.streamId };
    progress.failed.set(streamKeyString(key), { ...key, error: f.error.message });
  }
  return result.applied.length;
}

/** One pass over the global log in commit-safe order, a page per transaction. */
async function fillShadow(deps: RebuildDeps, progress: Progress): Promise<void> {
  let checkpoint: GlobalCheckpoint = START_CHECKPOINT;
  for (;;) {
    const page = await deps.store.readAll({ fromPosition: checkpoint, limit: deps.pageSize });
    if (page.events.length === 0) return;
    checkpoint = page.checkpoint;
    const envelopes = page.events.map((event) => ({ event }));
    progress.events += await inTransaction(deps.pool, (client) => applyToShadow(client, envelopes, progress));
  }
}

async function catchUp(deps: RebuildDeps, client: PoolClient, behind: readonly StreamBehind[], progress: Progress): Promise<number> {
  let applied = 0;
  for (const s of behind) {
    const { events } = await deps.store.readStream(s.streamId, { fromVersion: s.shadowVersion + 1, maxCount: s.liveVersion - s.shadowVersion });
    applied += await applyToShadow(client, events.map((event) => ({ event })), progress);
  }
  return applied;
}

/**
 * Under exclusive locks on the live tables: bring the shadow up to everything the live
 * consumer applied meanwhile, note which order details change, then swap. Readers see
 * the old model until commit and the new one after.
 */
async function swap(deps: RebuildDeps, progress: Progress) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inTransaction(deps.pool, async (client) => {
        await lockLiveTables(client, deps.lockTimeoutMs);
        const caughtUp = await catchUp(deps, client, await selectStreamsBehind(client), progress);
        const differences = await selectOrderDifferences(client);
        await swapShadowTables(client);
        return { caughtUp, differences, fence: await nextRevision(client) };
      });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if ((code !== '55P03' && code !== '40P01') || attempt >= 5) throw e;
      deps.logger.warn({ event: 'projection.rebuild_swap_retry', attempt, code }, 'live tables busy; retrying the swap');
      await sleep(backoffDelay({ attempts: 5, backoffMs: 200 }, attempt));
    }
  }
}

/**
 * Rebuilds every read model from the event store into shadow tables and swaps them in
 * atomically (blue/green). One rebuild at a time across instances (a session advisory
 * lock); the consumer keeps running throughout.
 */
export async function rebuildReadModels(deps: RebuildDeps): Promise<RebuildReport> {
  const started = performance.now();
  const lockClient = await deps.pool.connect();
  try {
    const { rows } = await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, 0) AS ok', [LockClass.rebuild]);
    if (rows[0]?.ok !== true) throw conflict('REBUILD_IN_PROGRESS', 'a rebuild of the read models is already running');
    try {
      const progress: Progress = { events: 0, failed: new Map() };
      await createShadowTables(deps.pool);
      await fillShadow(deps, progress);
      await analyzeShadowTables(deps.pool);
      const { caughtUp, differences, fence } = await swap(deps, progress);
      await deps.cache
        .invalidate([...differences.changed, ...differences.removed], fence)
        .catch((e: unknown) => deps.logger.warn({ event: 'projection.cache_failed', err: String(e) }, 'cache invalidation after rebuild failed'));
      return {
        events: progress.events,
        caughtUpEvents: caughtUp,
        failedStreams: [...progress.failed.values()],
        changedOrders: differences.changed.length,
        removedOrders: differences.removed.length,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      await dropShadowTables(deps.pool).catch(() => {});
      await lockClient.query('SELECT pg_advisory_unlock($1::int, 0)', [LockClass.rebuild]);
    }
  } finally {
    lockClient.release();
  }
}
