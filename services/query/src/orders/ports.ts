import type { OrderListQuery, OrderSearchQuery, Page } from './order-list-query.js';
import type { OrderView } from './order-view.js';

/** The read model in PostgreSQL. */
export type OrderViewReader = {
  find(orderId: string): Promise<OrderView | null>;
  list(query: OrderListQuery): Promise<Page<OrderView>>;
  search(query: OrderSearchQuery): Promise<Page<OrderView>>;
};

export type CacheOutcome = 'hit' | 'miss' | 'error';

/** Redis: the projection's hot details and this service's list pages. Never a source of errors. */
export type OrderViewCache = {
  /**
   * `null` view on a miss, an unusable entry or a Redis failure. `json`: the entry as
   * stored when it can be served as `data` as it is (see `parseCachedDetail`).
   */
  getDetail(orderId: string): Promise<{ view: OrderView | null; json: string | null; outcome: CacheOutcome }>;
  /** `null` when Redis cannot say; lists are then neither read from nor written to the cache. */
  listGeneration(): Promise<number | null>;
  getListPage(generation: number, hash: string): Promise<{ json: string | null; outcome: CacheOutcome }>;
  putListPage(generation: number, hash: string, json: string): Promise<void>;
};
