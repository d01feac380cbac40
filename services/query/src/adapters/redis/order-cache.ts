import type { Logger, Redis } from '@orderflow/platform';
import { parseCachedView } from '../../orders/order-view.js';
import type { OrderViewCache } from '../../orders/ports.js';

/** Keys the projection writes (detail, generation) and this service writes (list pages). */
export const cacheKeys = {
  detail: (orderId: string) => `order:view:${orderId}`,
  listGeneration: 'orders:list:gen',
  listPage: (generation: number, hash: string) => `orders:list:${generation}:${hash}`,
} as const;

export type OrderCacheOptions = {
  redis: Redis;
  logger: Logger;
  timeoutMs: number;
  listTtlSeconds: number;
};

/**
 * Redis is an accelerator, never a dependency of correctness: every failure or slow
 * answer (over `timeoutMs`) degrades to PostgreSQL. Failures are logged at most once a
 * minute per operation, so a Redis outage does not flood the log.
 */
export function createOrderCache(opts: OrderCacheOptions): OrderViewCache {
  const { redis } = opts;
  const lastLogged = new Map<string, number>();

  const report = (operation: string, e: unknown) => {
    const now = Date.now();
    if ((lastLogged.get(operation) ?? 0) > now - 60_000) return;
    lastLogged.set(operation, now);
    opts.logger.warn({ event: 'cache.redis_failed', operation, err: (e as Error).message }, 'Redis failed; answering from PostgreSQL');
  };

  async function call<T>(operation: string, run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // offline, a command would queue behind reconnect attempts; skip straight to PostgreSQL
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis did not answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      });
      return { ok: true, value: await Promise.race([run(), timeout]) };
    } catch (e) {
      report(operation, e);
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    getDetail: async (orderId) => {
      const r = await call('get_detail', () => redis.get(cacheKeys.detail(orderId)));
      if (!r.ok) return { view: null, outcome: 'error' };
      const view = r.value === null ? null : parseCachedView(r.value);
      if (r.value !== null && view === null) report('parse_detail', new Error(`order:view:${orderId} does not match the view schema`));
      return { view, outcome: view ? 'hit' : 'miss' };
    },
    listGeneration: async () => {
      const r = await call('get_generation', () => redis.get(cacheKeys.listGeneration));
      if (!r.ok) return null;
      // never written yet: generation 0 until the projection's first INCR
      const generation = r.value === null ? 0 : Number(r.value);
      return Number.isSafeInteger(generation) ? generation : null;
    },
    getListPage: async (generation, hash) => {
      const r = await call('get_list', () => redis.get(cacheKeys.listPage(generation, hash)));
      if (!r.ok) return { json: null, outcome: 'error' };
      return { json: r.value, outcome: r.value === null ? 'miss' : 'hit' };
    },
    putListPage: async (generation, hash, json) => {
      await call('put_list', () => redis.set(cacheKeys.listPage(generation, hash), json, 'EX', opts.listTtlSeconds));
    },
  };
}
