import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { memoryKit } from '../testing/command-test-kit.js';

type Document = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>> };

describe('OpenAPI document', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await memoryKit().app();
  });
  after(() => app.close());

  it('lists every command route and nothing operational', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<Document>();
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual(operations.sort(), [
      'DELETE /api/v1/orders/{id}/items/{productId}',
      'POST /api/v1/inventory/{productId}/stock',
      'POST /api/v1/orders',
      'POST /api/v1/orders/{id}/cancel',
      'POST /api/v1/orders/{id}/confirm',
      'POST /api/v1/orders/{id}/items',
      'POST /api/v1/orders/{id}/ship',
      'POST /api/v1/payments',
    ]);
  });

  it('publishes the body schemas the routes validate with, unknown fields refused', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<Document>();
    const schema = doc.paths['/api/v1/orders']?.['post']?.requestBody?.content['application/json']?.schema as
      | { additionalProperties: boolean; required: string[] }
      | undefined;
    assert.equal(schema?.additionalProperties, false);
    assert.deepEqual(schema?.required, ['customerId', 'currency', 'items', 'shippingAddress', 'paymentMethod']);
  });

  it('serves a documentation page at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
  });
});
