import type { FastifyRequest } from 'fastify';
import type { Pagination } from '../orders/order-list-query.js';

export type Meta = Readonly<{ lastUpdated: string | null; version: number | null; cached: boolean; stale: boolean }>;

export type Envelope<T> = Readonly<{ data: T; pagination?: Pagination; meta: Meta }>;

export const envelope = <T>(data: T, meta: Meta, pagination?: Pagination): Envelope<T> =>
  pagination ? { data, pagination, meta } : { data, meta };

/** The newest `updatedAt` of a list's rows; ISO strings in UTC compare in time order. */
export const newestUpdate = (rows: readonly { updatedAt: string | null }[]): string | null =>
  rows.reduce<string | null>((max, r) => (r.updatedAt !== null && (max === null || r.updatedAt > max) ? r.updatedAt : max), null);

const staleRequests = new WeakSet<FastifyRequest>();

/** Marks a request answered with stale data, for the request metrics. */
export const markStale = (request: FastifyRequest) => staleRequests.add(request);
export const wasStale = (request: FastifyRequest) => staleRequests.has(request);
