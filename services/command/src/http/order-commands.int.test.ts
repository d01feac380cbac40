import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { orderStreamId, type OrderLine, type OrderShippedData } from '@orderflow/contracts';
import type { CommandResponse } from '../commands/command-response.js';
import { pgKit, uniqueId, type PgKit } from '../testing/command-test-kit.js';
import { createOrderBody } from '../testing/fixtures.js';

const json = { 'content-type': 'application/json' };

describe('order commands over REST, against PostgreSQL', () => {
  let pg: PgKit;
  let app: FastifyInstance;
  before(async () => {
    pg = await pgKit();
    app = await pg.kit().app();
  });
  after(async () => {
    await app.close();
    await pg.close();
  });

  const createOrder = async (headers: Record<string, string> = {}) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...json, ...headers }, payload: createOrderBody() });
    assert.equal(res.statusCode, 202, res.body);
    return res.json<CommandResponse>();
  };

  const streamOf = async (orderId: string) => {
    const { rows } = await pg.pool.query<{ stream_version: number; event_type: string; data: OrderLine }>(
      'SELECT stream_version, event_type, data FROM events WHERE stream_id = $1 ORDER BY stream_version',
      [orderStreamId(orderId)],
    );
    return rows;
  };

  it('creates an order: 202 with the generated id and version (ETag); correlation, user and trace recorded on the event', async () => {
    const correlationId = uniqueId('corr');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...json, 'x-correlation-id': correlationId, 'x-user-id': 'user-42', traceparent, tracestate: 'vendor=1' },
      payload: createOrderBody(),
    });
    assert.equal(res.statusCode, 202);
    const body = res.json<CommandResponse>();
    assert.equal(body.status, 'accepted');
    assert.equal(body.version, 1);
    assert.equal(res.headers['etag'], '"1"');
    assert.equal(res.headers['x-correlation-id'], correlationId);
    const { rows } = await pg.pool.query('SELECT metadata FROM events WHERE stream_id = $1', [orderStreamId(body.aggregateId)]);
    assert.deepEqual(rows[0]?.metadata, {
      correlationId,
      causationId: body.commandId,
      commandId: body.commandId,
      userId: 'user-42',
      traceparent,
      tracestate: 'vendor=1',
    });
  });

  it('50 concurrent item additions: each applied (202) or refused (409), versions gapless, no update lost', async () => {
    const { aggregateId: orderId } = await createOrder();
    const products = Array.from({ length: 50 }, (_, i) => `sku-${i}`);
    const responses = await Promise.all(
      products.map((productId) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/orders/${orderId}/items`,
          headers: json,
          payload: { productId, quantity: 1, unitPrice: 100 },
        }),
      ),
    );
    assert.ok(responses.every((r) => r.statusCode === 202 || r.statusCode === 409), responses.map((r) => r.statusCode).join());
    const applied = products.filter((_, i) => responses[i]?.statusCode === 202);
    for (const refused of responses.filter((r) => r.statusCode === 409)) assert.equal(refused.json().code, 'CONCURRENCY_CONFLICT');

    const events = await streamOf(orderId);
    assert.deepEqual(events.map((e) => e.stream_version), Array.from({ length: events.length }, (_, i) => i + 1), 'versions are gapless');
    assert.equal(events.length, 1 + applied.length);
    assert.deepEqual(events.slice(1).map((e) => e.data.productId).sort(), [...applied].sort(), 'exactly the applied additions are recorded');
    const versions = responses.filter((r) => r.statusCode === 202).map((r) => r.json<CommandResponse>().version);
    assert.deepEqual(versions.sort((a, b) => a - b), Array.from({ length: applied.length }, (_, i) => i + 2), 'each answer names its own version');
  });

  it('50 concurrent additions all expecting version 1 (If-Match): exactly one applies', async () => {
    const { aggregateId: orderId } = await createOrder();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/orders/${orderId}/items`,
          headers: { ...json, 'if-match': '"1"' },
          payload: { productId: `sku-${i}`, quantity: 1, unitPrice: 100 },
        }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 202).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 49);
    assert.deepEqual((await streamOf(orderId)).map((e) => e.stream_version), [1, 2]);
  });

  it('the same CreateOrder sent 10 times at once with one Idempotency-Key creates one order', async () => {
    const key = uniqueId('create');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...json, 'idempotency-key': key }, payload: createOrderBody() }),
      ),
    );
    assert.deepEqual(responses.map((r) => r.statusCode), Array(10).fill(202));
    const bodies = responses.map((r) => r.json<CommandResponse>());
    assert.equal(new Set(bodies.map((b) => b.aggregateId)).size, 1);
    assert.ok(bodies.every((b) => b.commandId === key && b.version === 1));
    assert.equal(responses.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 9);
    const { rows } = await pg.pool.query<{ stream_id: string; n: number }>(
      "SELECT stream_id, count(*)::int AS n FROM events WHERE metadata->>'commandId' = $1 GROUP BY stream_id",
      [key],
    );
    assert.deepEqual(rows, [{ stream_id: orderStreamId(bodies[0]?.aggregateId ?? ''), n: 1 }]);
  });

  it('refuses the same Idempotency-Key with a different body (422), leaving the first order alone', async () => {
    const key = uniqueId('create');
    const first = await createOrder({ 'idempotency-key': key });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...json, 'idempotency-key': key },
      payload: createOrderBody({ customerId: 'someone-else' }),
    });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await streamOf(first.aggregateId)).length, 1);
  });

  it('runs an order through confirm, ship and payment, and refuses what the state forbids with 409', async () => {
    const { aggregateId: orderId } = await createOrder();
    const post = (url: string, payload?: object) =>
      app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { headers: json, payload }) });
    assert.equal((await post(`/api/v1/orders/${orderId}/confirm`)).statusCode, 202);
    const shipped = await post(`/api/v1/orders/${orderId}/ship`, { trackingNumber: 'TRK-1', carrier: 'dhl' });
    assert.equal(shipped.statusCode, 202);
    const recorded = (await streamOf(orderId)).find((e) => e.event_type === 'OrderShipped')?.data as unknown as OrderShippedData | undefined;
    assert.deepEqual([recorded?.trackingNumber, recorded?.carrier], ['TRK-1', 'dhl']);
    const paid = await post('/api/v1/payments', { orderId, amount: 2500, currency: 'EUR' });
    assert.equal(paid.statusCode, 202);
    assert.deepEqual(paid.json<CommandResponse>().events, ['PaymentProcessed']);
    const cancel = await post(`/api/v1/orders/${orderId}/cancel`, { reason: 'too late' });
    assert.equal(cancel.statusCode, 409);
    assert.equal(cancel.json().code, 'ORDER_ALREADY_SHIPPED');
  });

  it('removes an item and replenishes stock', async () => {
    const { aggregateId: orderId } = await createOrder();
    await app.inject({ method: 'POST', url: `/api/v1/orders/${orderId}/items`, headers: json, payload: { productId: 'sku-cup', quantity: 1, unitPrice: 500 } });
    const removed = await app.inject({ method: 'DELETE', url: `/api/v1/orders/${orderId}/items/sku-cup` });
    assert.equal(removed.statusCode, 202);
    assert.deepEqual(removed.json<CommandResponse>().events, ['OrderItemRemoved']);
    const productId = uniqueId('sku');
    const stocked = await app.inject({ method: 'POST', url: `/api/v1/inventory/${productId}/stock`, headers: json, payload: { quantity: 7 } });
    assert.equal(stocked.statusCode, 202);
    assert.equal(stocked.json<CommandResponse>().aggregateId, productId);
  });
});
