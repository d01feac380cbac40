import type { QueryMetrics } from '../metrics.js';
import type { OrderView } from './order-view.js';
import type { OrderViewCache, OrderViewReader } from './ports.js';
import type { VersionWaiter } from './version-waiters.js';

export type OrderDetailDeps = Readonly<{
  store: Pick<OrderViewReader, 'find'>;
  cache: Pick<OrderViewCache, 'getDetail'>;
  versions: { register(orderId: string, minVersion: number): VersionWaiter };
  metrics: Pick<QueryMetrics, 'detailCache' | 'minVersionWait' | 'minVersionTimeouts'>;
  /** The server's bound on a minVersion wait (MIN_VERSION_WAIT_MS). */
  maxWaitMs: number;
}>;

export type Freshness = Readonly<{ minVersion?: number; maxWaitMs?: number }>;

/**
 * `view` null: no such order (yet). `stale`: minVersion was asked for and not reached in
 * time. `json`: the cached entry, when it is `view` exactly as the API serves it.
 */
export type OrderRead = Readonly<{ view: OrderView | null; cached: boolean; stale: boolean; json: string | null }>;

const reached = (view: OrderView | null, minVersion: number): view is OrderView => view !== null && view.version >= minVersion;

/**
 * Redis first (the projection's hot copy), unless it is older than `minVersion`; then
 * PostgreSQL, waiting for the read model when it is behind. This service never writes
 * the detail key: the projection owns it and writes it compare-on-version, and a second
 * writer could put back a version the projection had already replaced.
 */
export async function readOrder(deps: OrderDetailDeps, orderId: string, freshness: Freshness = {}): Promise<OrderRead> {
  const { minVersion } = freshness;
  const hot = await deps.cache.getDetail(orderId);
  deps.metrics.detailCache[hot.outcome].inc();
  if (hot.view && (minVersion === undefined || hot.view.version >= minVersion)) return { view: hot.view, cached: true, stale: false, json: hot.json };
  if (minVersion === undefined) return { view: await deps.store.find(orderId), cached: false, stale: false, json: null };
  const waitMs = Math.min(deps.maxWaitMs, freshness.maxWaitMs ?? deps.maxWaitMs);
  return awaitVersion(deps, orderId, minVersion, waitMs);
}

/**
 * Each round registers its waiter before reading the row: a notification committed
 * between the read and the wait has already woken the waiter, so none is missed. The
 * total wait is bounded by `waitMs`; then the caller gets what there is, marked stale.
 */
async function awaitVersion(deps: OrderDetailDeps, orderId: string, minVersion: number, waitMs: number): Promise<OrderRead> {
  const started = performance.now();
  const deadline = started + waitMs;
  const done = (view: OrderView | null, ok: boolean): OrderRead => {
    deps.metrics.minVersionWait.observe({ outcome: ok ? 'reached' : 'timeout' }, (performance.now() - started) / 1000);
    if (!ok) deps.metrics.minVersionTimeouts.inc();
    return { view, cached: false, stale: !ok, json: null };
  };
  for (;;) {
    const waiter = deps.versions.register(orderId, minVersion);
    try {
      const view = await deps.store.find(orderId);
      if (reached(view, minVersion)) return done(view, true);
      const remaining = deadline - performance.now();
      if (remaining <= 0 || !(await waiter.wait(remaining))) break;
    } finally {
      waiter.cancel();
    }
  }
  // one last look: a notification may have been lost while the LISTEN connection was down
  const last = await deps.store.find(orderId);
  return done(last, reached(last, minVersion));
}
