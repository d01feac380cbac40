import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { OrderView } from '../orders/order-view.js';

export type Meta = { lastUpdated: string | null; version: number | null; cached: boolean; stale: boolean };
export type Pagination = { page: number; limit: number; total: number; totalPages: number };
export type Answer<T> = { data: T; meta: Meta; pagination?: Pagination };
export type OrderPage = Answer<OrderView[]> & { pagination: Pagination };

/** GETs through inject and insists on the status, printing the body when it differs. */
export async function getJson<T>(app: FastifyInstance, url: string, status = 200): Promise<T> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, status, `${url}: ${res.body}`);
  return res.json<T>();
}

/** Every page of a list, one request per page. */
export async function allPages(app: FastifyInstance, url: string, limit: number): Promise<{ ids: string[]; pages: OrderPage[] }> {
  const pages: OrderPage[] = [];
  const sep = url.includes('?') ? '&' : '?';
  for (let page = 1; ; page += 1) {
    const body = await getJson<OrderPage>(app, `${url}${sep}limit=${limit}&page=${page}`);
    pages.push(body);
    if (page >= body.pagination.totalPages) break;
  }
  return { ids: pages.flatMap((p) => p.data.map((o) => o.orderId)), pages };
}
