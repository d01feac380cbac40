import { createHash } from 'node:crypto';
import type { OrderStatus } from './order-view.js';

/** The only columns a list may be sorted by; the SQL takes its column names from here, never from the request. */
export const sortColumns = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  totalAmount: 'total_amount',
  status: 'status',
} as const;

export type SortField = keyof typeof sortColumns;
export type SortDirection = 'asc' | 'desc';
export type Sort = Readonly<{ field: SortField; direction: SortDirection }>;

export const defaultSort: Sort = { field: 'createdAt', direction: 'desc' };

/** Every accepted `sort` value, `field:direction`. */
export const sortValues: readonly string[] = Object.keys(sortColumns).flatMap((f) => [`${f}:asc`, `${f}:desc`]);

export function parseSort(value: string | undefined): Sort | null {
  if (value === undefined) return defaultSort;
  const [field, direction, extra] = value.split(':');
  if (extra !== undefined || (direction !== 'asc' && direction !== 'desc')) return null;
  return field !== undefined && Object.hasOwn(sortColumns, field) ? { field: field as SortField, direction } : null;
}

export type Paging = Readonly<{ page: number; limit: number }>;

/**
 * Filters on `created_at`. `createdFrom` is inclusive. `createdTo` is inclusive for an
 * instant and exclusive for the midnight after a date-only `to`, so `to=2024-01-31`
 * covers the whole of that day (UTC).
 */
export type CreatedRange = Readonly<{ createdFrom?: string; createdTo?: Readonly<{ at: string; inclusive: boolean }> }>;

export type OrderListQuery = CreatedRange &
  Paging &
  Readonly<{
    status?: OrderStatus;
    customerId?: string;
    sort: Sort;
  }>;

export type OrderSearchQuery = Paging & Readonly<{ text: string; status?: OrderStatus }>;

export type Page<T> = Readonly<{ items: readonly T[]; total: number }>;

export type Pagination = Readonly<{ page: number; limit: number; total: number; totalPages: number }>;

export const paginationOf = (paging: Paging, total: number): Pagination => ({
  page: paging.page,
  limit: paging.limit,
  total,
  totalPages: Math.ceil(total / paging.limit),
});

/** Stable across processes and key order, so equal queries share one cache entry. */
export function queryHash(kind: string, query: object): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, canonical(x)]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify([kind, canonical(query)])).digest('base64url').slice(0, 32);
}
