import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { pgKit, type PgKit } from '../testing/command-test-kit.js';
import { createOrderBody } from '../testing/fixtures.js';

type Problem = { status: number; code: string; detail: string; errors?: { field: string; message: string }[] };

const json = { 'content-type': 'application/json' };

describe('REST client errors: documented 4xx, problem+json, stable codes', () => {
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

  const problem = async (request: InjectOptions, status: number, code: string): Promise<Problem> => {
    const res = await app.inject(request);
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json<Problem>();
    assert.equal(body.code, code);
    assert.equal(body.status, status);
    return body;
  };

  const createWith = (body: unknown): InjectOptions => ({ method: 'POST', url: '/api/v1/orders', headers: json, payload: JSON.stringify(body) });
  const fields = (p: Problem) => (p.errors ?? []).map((e) => e.field).sort();

  it('malformed JSON: 400 MALFORMED_JSON', async () => {
    await problem({ method: 'POST', url: '/api/v1/orders', headers: json, payload: '{"customerId": "c-1",' }, 400, 'MALFORMED_JSON');
  });

  it('wrong types: 400 VALIDATION_FAILED naming each field, with no coercion', async () => {
    const body = createOrderBody({ customerId: 42, items: [{ productId: 'p', quantity: '2', unitPrice: 1.5 }] });
    const p = await problem(createWith(body), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(p), ['customerId', 'items.0.quantity', 'items.0.unitPrice']);
  });

  it('missing fields: 400 naming them', async () => {
    const { shippingAddress: _a, paymentMethod: _p, ...partial } = createOrderBody();
    const p = await problem(createWith(partial), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(p), ['paymentMethod', 'shippingAddress']);
  });

  it('negative and zero quantities, a negative price: 400', async () => {
    const body = createOrderBody({ items: [{ productId: 'p', quantity: -1, unitPrice: -5 }, { productId: 'q', quantity: 0, unitPrice: 1 }] });
    const p = await problem(createWith(body), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(p), ['items.0.quantity', 'items.0.unitPrice', 'items.1.quantity']);
  });

  it('unknown fields: 400 naming them as unknown', async () => {
    const body = { ...createOrderBody(), discount: 10, shippingAddress: { ...createOrderBody().shippingAddress, floor: 3 } };
    const p = await problem(createWith(body), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(p), ['discount', 'shippingAddress.floor']);
    assert.ok(p.errors?.every((e) => e.message === 'unknown field'));
  });

  it('a domain rule the schema cannot express: 400 with the domain code', async () => {
    const line = { productId: 'p', quantity: 1, unitPrice: 1 };
    await problem(createWith(createOrderBody({ items: [line, line] })), 400, 'ORDER_DUPLICATE_PRODUCT');
  });

  it('a 1 MB body: 413 BODY_TOO_LARGE', async () => {
    const payload = JSON.stringify({ ...createOrderBody(), customerId: 'x'.repeat(1024 * 1024) });
    await problem({ method: 'POST', url: '/api/v1/orders', headers: json, payload }, 413, 'BODY_TOO_LARGE');
  });

  it('a content type other than JSON: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const payload = JSON.stringify(createOrderBody());
    await problem({ method: 'POST', url: '/api/v1/orders', headers: { 'content-type': 'text/plain' }, payload }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await problem(
      { method: 'POST', url: '/api/v1/orders', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('an unknown order: 404 ORDER_NOT_FOUND, on every order command', async () => {
    const id = 'no-such-order';
    await problem({ method: 'POST', url: `/api/v1/orders/${id}/confirm` }, 404, 'ORDER_NOT_FOUND');
    await problem({ method: 'POST', url: `/api/v1/orders/${id}/cancel`, headers: json, payload: { reason: 'x' } }, 404, 'ORDER_NOT_FOUND');
    await problem({ method: 'DELETE', url: `/api/v1/orders/${id}/items/p-1` }, 404, 'ORDER_NOT_FOUND');
    await problem(
      { method: 'POST', url: `/api/v1/orders/${id}/items`, headers: json, payload: { productId: 'p', quantity: 1, unitPrice: 1 } },
      404,
      'ORDER_NOT_FOUND',
    );
    await problem({ method: 'POST', url: '/api/v1/payments', headers: json, payload: { orderId: id, amount: 1, currency: 'EUR' } }, 404, 'ORDER_NOT_FOUND');
  });

  it('malformed headers: 400 naming them', async () => {
    const p = await problem({ ...createWith(createOrderBody()), headers: { ...json, 'if-match': 'soon' } }, 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(p), ['if-match']);
  });

  it('a stale If-Match: 409 CONCURRENCY_CONFLICT', async () => {
    const created = await app.inject(createWith(createOrderBody()));
    const orderId = created.json<{ aggregateId: string }>().aggregateId;
    await problem({ method: 'POST', url: `/api/v1/orders/${orderId}/confirm`, headers: { 'if-match': '"7"' } }, 409, 'CONCURRENCY_CONFLICT');
  });

  it('an unknown route: 404 ROUTE_NOT_FOUND', async () => {
    await problem({ method: 'POST', url: '/api/v1/refunds', headers: json, payload: {} }, 404, 'ROUTE_NOT_FOUND');
  });

  it('keeps serving after all of the above', async () => {
    const res = await app.inject(createWith(createOrderBody()));
    assert.equal(res.statusCode, 202);
  });
});
