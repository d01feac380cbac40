import type { FastifyRequest } from 'fastify';
import type { Pagination } from '../orders/order-list-query.js';

export type Meta = Readonly<{ lastUpdated: string | null; version: number | null; cached: boolean; stale: boolean }>;

export type Envelope<T> = Readonly<{ data: T; pagination?: Pagination; meta: Meta }>;

export const envelope = <T>(data: T, meta: Meta, pagination?: Pagination): Envelope<T> =>
  pagination ? { data, pagination, meta } : { data, meta };

/**
 * The envelope as JSON around `dataJson`, a JSON text already in the served shape (a
 * cached detail): the same document the route's response schema would write, without
 * parsing and writing `data` again.
 */
export const envelopeJson = (dataJson: string, meta: Meta): string =>
  `{"data":${dataJson},"meta":{"lastUpdated":${meta.lastUpdated === null ? 'null' : JSON.stringify(meta.lastUpdated)},` +
  `"version":${meta.version === null ? 'null' : String(meta.version)},"cached":${String(meta.cached)},"stale":${String(meta.stale)}}}`;

/** The newest `updatedAt` of a list's rows; ISO strings in UTC compare in time order. */
export const newestUpdate = (rows: readonly { updatedAt: string | null }[]): string | null =>
  rows.reduce<string | null>((max, r) => (r.updatedAt !== null && (max === null || r.updatedAt > max) ? r.updatedAt : max), null);

const staleRequests = new WeakSet<FastifyRequest>();

/** Marks a request answered with stale data, for the request metrics. */
export const markStale = (request: FastifyRequest) => staleRequests.add(request);
export const wasStale = (request: FastifyRequest) => staleRequests.has(request);
