import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startQueryHarness, type QueryHarness } from '../testing/query-harness.js';

let h: QueryHarness;

before(async () => {
  h = await startQueryHarness();
});

after(() => h.close());

const long = (n: number) => 'x'.repeat(n);

/** [url, code, parameter]: every documented 400. */
const cases: readonly (readonly [string, string, string])[] = [
  ['/api/v1/orders?limit=101', 'LIMIT_TOO_LARGE', 'limit'],
  ['/api/v1/orders?limit=0', 'INVALID_LIMIT', 'limit'],
  ['/api/v1/orders?limit=ten', 'INVALID_LIMIT', 'limit'],
  ['/api/v1/orders?page=0', 'INVALID_PAGE', 'page'],
  ['/api/v1/orders?page=10001', 'INVALID_PAGE', 'page'],
  ['/api/v1/orders?page=1.5', 'INVALID_PAGE', 'page'],
  ['/api/v1/orders?sort=customerId:asc', 'INVALID_SORT', 'sort'],
  ['/api/v1/orders?sort=createdAt:up', 'INVALID_SORT', 'sort'],
  ['/api/v1/orders?sort=createdAt', 'INVALID_SORT', 'sort'],
  ['/api/v1/orders?status=LOST', 'INVALID_STATUS', 'status'],
  ['/api/v1/orders?status=paid', 'INVALID_STATUS', 'status'],
  ['/api/v1/orders?status=PAID&status=SHIPPED', 'INVALID_STATUS', 'status'],
  ['/api/v1/orders?from=2024-13-01', 'INVALID_FROM', 'from'],
  ['/api/v1/orders?from=2024-02-30', 'INVALID_FROM', 'from'],
  ['/api/v1/orders?from=2024-01-01T10:00:00', 'INVALID_FROM', 'from'],
  ['/api/v1/orders?to=yesterday', 'INVALID_TO', 'to'],
  ['/api/v1/orders?from=2024-02-01&to=2024-01-31', 'INVALID_DATE_RANGE', 'from'],
  ['/api/v1/orders?customerId=%20%20', 'INVALID_CUSTOMER_ID', 'customerId'],
  [`/api/v1/orders?customerId=${long(129)}`, 'INVALID_CUSTOMER_ID', 'customerId'],
  ['/api/v1/orders?colour=red', 'UNKNOWN_PARAMETER', 'colour'],
  ['/api/v1/orders/%20', 'INVALID_ORDER_ID', 'orderId'],
  ['/api/v1/orders/a%01b', 'INVALID_ORDER_ID', 'orderId'],
  ['/api/v1/orders/o-1?minVersion=0', 'INVALID_MIN_VERSION', 'minVersion'],
  ['/api/v1/orders/o-1?minVersion=latest', 'INVALID_MIN_VERSION', 'minVersion'],
  ['/api/v1/orders/o-1/items?minVersion=1.5', 'INVALID_MIN_VERSION', 'minVersion'],
  ['/api/v1/orders/o-1?minVersion=2&maxWaitMs=-1', 'INVALID_MAX_WAIT_MS', 'maxWaitMs'],
  ['/api/v1/orders/o-1?wait=1', 'UNKNOWN_PARAMETER', 'wait'],
  ['/api/v1/orders/search', 'INVALID_Q', 'q'],
  ['/api/v1/orders/search?q=%20', 'INVALID_Q', 'q'],
  [`/api/v1/orders/search?q=${long(201)}`, 'INVALID_Q', 'q'],
  ['/api/v1/orders/search?q=x&status=NOPE', 'INVALID_STATUS', 'status'],
  ['/api/v1/orders/search?q=x&limit=500', 'LIMIT_TOO_LARGE', 'limit'],
  ['/api/v1/orders/status/LOST', 'INVALID_STATUS', 'status'],
  ['/api/v1/orders/status/PAID?sort=totalAmount', 'INVALID_SORT', 'sort'],
  ['/api/v1/orders/status/PAID?from=2024-01-01&to=2023-01-01', 'INVALID_DATE_RANGE', 'from'],
  ['/api/v1/orders/status/PAID?limit=101', 'LIMIT_TOO_LARGE', 'limit'],
  ['/api/v1/customers/%20/orders', 'INVALID_CUSTOMER_ID', 'customerId'],
  ['/api/v1/customers/c-1/orders?limit=101', 'LIMIT_TOO_LARGE', 'limit'],
  ['/api/v1/customers/c-1/orders?sort=status:sideways', 'INVALID_SORT', 'sort'],
  ['/api/v1/customers/c-1/orders?to=2024-01-01T00:00:00', 'INVALID_TO', 'to'],
  ['/api/v1/analytics/sales?from=2024-1-1', 'INVALID_FROM', 'from'],
  ['/api/v1/analytics/sales?from=2024-01-01T00:00:00Z', 'INVALID_FROM', 'from'],
  ['/api/v1/analytics/sales?to=2024-02-31', 'INVALID_TO', 'to'],
  ['/api/v1/analytics/sales?from=2024-02-01&to=2024-01-31', 'INVALID_DATE_RANGE', 'from'],
  ['/api/v1/analytics/sales?from=2023-01-01&to=2024-01-02', 'DATE_RANGE_TOO_LARGE', 'to'],
  ['/api/v1/analytics/sales?currency=eur', 'INVALID_CURRENCY', 'currency'],
  ['/api/v1/inventory/%20', 'INVALID_PRODUCT_ID', 'productId'],
  ['/api/v1/inventory/sku-1?fresh=1', 'UNKNOWN_PARAMETER', 'fresh'],
];

describe('bad request parameters', () => {
  for (const [url, code, parameter] of cases) {
    it(`${url.length > 90 ? `${url.slice(0, 90)}...` : url} -> 400 ${code}`, async () => {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json<{ status: number; code: string; parameter: string; detail: string; errors: { parameter: string }[] }>();
      assert.equal(body.status, 400);
      assert.equal(body.code, code);
      assert.equal(body.parameter, parameter);
      assert.ok(body.detail.includes(parameter), body.detail);
      assert.equal(body.errors[0]?.parameter, parameter);
    });
  }

  it('reports every bad parameter of one request, the first giving the code', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/orders?limit=500&sort=x:y&status=NOPE' });
    assert.equal(res.statusCode, 400);
    const body = res.json<{ code: string; errors: { parameter: string; code: string }[] }>();
    assert.deepEqual(new Set(body.errors.map((e) => `${e.parameter}:${e.code}`)), new Set(['limit:LIMIT_TOO_LARGE', 'sort:INVALID_SORT', 'status:INVALID_STATUS']));
    assert.equal(body.code, body.errors[0]?.code);
  });

  it('answers a path id over the 128-character limit with a 400 naming it, and takes ids up to the limit', async () => {
    for (const url of [`/api/v1/orders/${long(129)}`, `/api/v1/orders/${long(300)}/items`]) {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json<{ code: string }>().code, 'INVALID_ORDER_ID');
    }
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/customers/${long(128)}/orders` });
    assert.equal(res.statusCode, 200);
  });

  it('refuses a path segment longer than the router takes (512 characters) before any route runs', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/orders/${long(600)}` });
    assert.equal(res.statusCode, 414);
  });

  it('keeps answering 404 for paths that are no route at all', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<{ code: string }>().code, 'ROUTE_NOT_FOUND');
  });
});
