import type { Logger, Redis } from '@orderflow/platform';
import { rememberingDetailParser } from '../../orders/cached-detail.js';
import { callDeadlines } from './call-deadlines.js';
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
  /** Orders whose last parsed detail entry is kept (see `rememberingDetailParser`). */
  parsedDetailsKept?: number;
};

const FAILED = { ok: false } as const;
const MISS = { view: null, json: null, outcome: 'miss' } as const;
const ERROR = { view: null, json: null, outcome: 'error' } as const;

/**
 * Redis is an accelerator, never a dependency of correctness: every failure or slow
 * answer (over `timeoutMs`) degrades to PostgreSQL. Failures are logged at most once a
 * minute per operation, so a Redis outage does not flood the log.
 */
export function createOrderCache(opts: OrderCacheOptions): OrderViewCache {
  const { redis } = opts;
  const lastLogged = new Map<string, number>();
  const parseDetail = rememberingDetailParser(opts.parsedDetailsKept ?? 4_096);

  const report = (operation: string, e: unknown) => {
    const now = Date.now();
    if ((lastLogged.get(operation) ?? 0) > now - 60_000) return;
    lastLogged.set(operation, now);
    opts.logger.warn({ event: 'cache.redis_failed', operation, err: (e as Error).message }, 'Redis failed; answering from PostgreSQL');
  };

  const deadlines = callDeadlines(opts.timeoutMs);

  /**
   * The call's answer, or `{ ok: false }` when it failed or did not answer within
   * `timeoutMs` (its late answer is then dropped). One promise per call beyond Redis's
   * own, and no timer of its own: this runs on every cached read.
   */
  function call<T>(operation: string, run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    // offline, a command would queue behind reconnect attempts; skip straight to PostgreSQL
    if (redis.status !== 'ready') {
      report(operation, new Error(`redis is ${redis.status}`));
      return Promise.resolve(FAILED);
    }
    return new Promise((resolve) => {
      const fail = (e: unknown) => {
        report(operation, e);
        resolve(FAILED);
      };
      const deadline = deadlines.add(() => fail(new Error(`redis did not answer ${operation} within ${opts.timeoutMs} ms`)));
      let pending: Promise<T>;
      try {
        pending = run();
      } catch (e) {
        if (deadlines.settle(deadline)) fail(e);
        return;
      }
      pending.then(
        (value) => {
          if (deadlines.settle(deadline)) resolve({ ok: true, value });
        },
        (e: unknown) => {
          if (deadlines.settle(deadline)) fail(e);
        },
      );
    });
  }

  return {
    getDetail: (orderId) =>
      call('get_detail', () => redis.get(cacheKeys.detail(orderId))).then((r) => {
        if (!r.ok) return ERROR;
        if (r.value === null) return MISS;
        const detail = parseDetail(orderId, r.value);
        if (detail === null) {
          report('parse_detail', new Error(`order:view:${orderId} does not match the view schema`));
          return MISS;
        }
        return { view: detail.view, json: detail.json, outcome: 'hit' };
      }),
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
