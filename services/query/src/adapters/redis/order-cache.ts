import type { Logger, Redis } from '@orderflow/platform';
import { parseCachedDetail } from '../../orders/cached-detail.js';
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

  // one promise and one timer per call, no race of two: this runs on every cached read
  const withinTimeout = <T>(operation: string, pending: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis did not answer ${operation} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      pending.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });

  async function call<T>(operation: string, run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    try {
      // offline, a command would queue behind reconnect attempts; skip straight to PostgreSQL
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      return { ok: true, value: await withinTimeout(operation, run()) };
    } catch (e) {
      report(operation, e);
      return { ok: false };
    }
  }

  return {
    getDetail: async (orderId) => {
      const r = await call('get_detail', () => redis.get(cacheKeys.detail(orderId)));
      if (!r.ok) return { view: null, json: null, outcome: 'error' };
      if (r.value === null) return { view: null, json: null, outcome: 'miss' };
      const detail = parseCachedDetail(r.value);
      if (detail === null) {
        report('parse_detail', new Error(`order:view:${orderId} does not match the view schema`));
        return { view: null, json: null, outcome: 'miss' };
      }
      return { view: detail.view, json: detail.json, outcome: 'hit' };
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
