import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createOrderBody } from '../command/create-order-request.js';

/**
 * A lean HTTP/1.1 client on kept-alive sockets for the open-loop load: the load
 * generator shares two cores with everything it measures, so it should cost little,
 * and its sockets are reused so no request pays for a TCP handshake.
 */
export type HttpAnswer = Readonly<{ status: number; body: string; at: number }>;

export function createHttpClient(baseUrl: string, maxSockets = 256) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(baseUrl);

  const request = (method: 'GET' | 'POST', path: string, headers: http.OutgoingHttpHeaders, body?: string) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const req = http.request({ agent, hostname, port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  return {
    get: (path: string) => request('GET', path, {}),
    post: (path: string, body: string, headers: http.OutgoingHttpHeaders = {}) =>
      request('POST', path, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }, body),
    close: () => agent.destroy(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

export type AcceptedOrder = Readonly<{ orderId: string; version: number; acceptedAt: number }>;

export const ORDERS_PATH = '/api/v1/orders';

/** CreateOrder with a fresh idempotency key; anything but a 202 with the order's id and version fails. */
export async function createOrder(client: HttpClient): Promise<AcceptedOrder> {
  const answer = await client.post(ORDERS_PATH, createOrderBody, { 'idempotency-key': randomUUID() });
  if (answer.status !== 202) throw new Error(`POST ${ORDERS_PATH} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const accepted = JSON.parse(answer.body) as { aggregateId?: unknown; version?: unknown };
  if (typeof accepted.aggregateId !== 'string' || typeof accepted.version !== 'number') {
    throw new Error(`POST ${ORDERS_PATH}: the 202 lacks aggregateId or version: ${answer.body.slice(0, 300)}`);
  }
  return { orderId: accepted.aggregateId, version: accepted.version, acceptedAt: answer.at };
}

export type ReadBack = Readonly<{ at: number; stale: boolean }>;

/**
 * Read-your-writes as a client does it: the order's detail with `minVersion`, which the
 * query service holds (bounded) until its read model has that version. A 404 marked
 * stale means the order did not appear within the wait; any other non-200 fails.
 */
export async function readOwnWrite(client: HttpClient, order: AcceptedOrder): Promise<ReadBack> {
  const answer = await client.get(`${ORDERS_PATH}/${encodeURIComponent(order.orderId)}?minVersion=${order.version}`);
  const body = JSON.parse(answer.body) as { meta?: { stale?: unknown; version?: unknown }; stale?: unknown };
  if (answer.status === 404 && body.stale === true) return { at: answer.at, stale: true };
  if (answer.status !== 200) throw new Error(`GET ${ORDERS_PATH}/${order.orderId} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const stale = body.meta?.stale === true || typeof body.meta?.version !== 'number' || body.meta.version < order.version;
  return { at: answer.at, stale };
}
