import type { QueryMetrics } from '../metrics.js';
import { queryHash, type OrderListQuery, type OrderSearchQuery, type Page } from './order-list-query.js';
import type { OrderView } from './order-view.js';
import type { OrderViewCache, OrderViewReader } from './ports.js';

export type OrderListDeps = Readonly<{
  store: Pick<OrderViewReader, 'list' | 'search'>;
  cache: Pick<OrderViewCache, 'listGeneration' | 'getListPage' | 'putListPage'>;
  metrics: Pick<QueryMetrics, 'cache'>;
}>;

export type ListRead = Readonly<{ page: Page<OrderView>; generation: number | null; cached: boolean }>;

/** Part of every list key: a change to the cached page's shape must not read pages written in the old one. */
const PAGE_FORMAT = 'v1';

/**
 * List pages are cached under the generation the projection bumps after every committed
 * change. The generation is read before PostgreSQL, so a page stored under generation g
 * holds at least everything applied up to g; once g+1 exists, readers never see g's pages.
 */
async function cachedPage(
  deps: OrderListDeps,
  kind: string,
  query: object,
  load: () => Promise<Page<OrderView>>,
): Promise<ListRead> {
  const generation = await deps.cache.listGeneration();
  if (generation === null) {
    deps.metrics.cache.inc({ cache: 'list', result: 'error' });
    return { page: await load(), generation, cached: false };
  }
  const hash = queryHash(`${PAGE_FORMAT}:${kind}`, query);
  const hit = await deps.cache.getListPage(generation, hash);
  deps.metrics.cache.inc({ cache: 'list', result: hit.outcome });
  if (hit.json !== null) return { page: JSON.parse(hit.json) as Page<OrderView>, generation, cached: true };
  const page = await load();
  await deps.cache.putListPage(generation, hash, JSON.stringify(page));
  return { page, generation, cached: false };
}

export const listOrders = (deps: OrderListDeps, query: OrderListQuery): Promise<ListRead> =>
  cachedPage(deps, 'list', query, () => deps.store.list(query));

export const searchOrders = (deps: OrderListDeps, query: OrderSearchQuery): Promise<ListRead> =>
  cachedPage(deps, 'search', query, () => deps.store.search(query));
