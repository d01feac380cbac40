import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCachedDetail } from './cached-detail.js';
import { rowToView, toSafeInteger, type OrderViewRow } from './order-view.js';

const parseCachedView = (json: string) => parseCachedDetail(json)?.view ?? null;

const row: OrderViewRow = {
  order_id: 'o-1',
  customer_id: 'c-1',
  status: 'PAID',
  currency: 'EUR',
  total_amount: '2500',
  item_count: 2,
  items: [{ productId: 'sku-1', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
  shipping_address: { line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' },
  payment: { paymentId: 'p-1', status: 'CAPTURED', amount: 2500 },
  shipment: null,
  cancellation_reason: null,
  version: 3,
  created_at: new Date('2024-05-01T10:00:00.000Z'),
  updated_at: new Date('2024-05-01T10:05:00.000Z'),
};

describe('order view', () => {
  it('maps a row to the API shape, bigint text to numbers and instants to ISO strings', () => {
    const view = rowToView(row);
    assert.equal(view.totalAmount, 2500);
    assert.equal(view.createdAt, '2024-05-01T10:00:00.000Z');
    assert.equal(view.updatedAt, '2024-05-01T10:05:00.000Z');
    assert.deepEqual(view.payment, { paymentId: 'p-1', status: 'CAPTURED', amount: 2500 });
    assert.equal(view.version, 3);
  });

  it('reads back what it would serve, and drops fields it does not serve', () => {
    const view = rowToView(row);
    assert.deepEqual(parseCachedView(JSON.stringify({ ...view, revision: 99 })), view);
  });

  it('treats an unusable cache entry as absent', () => {
    const view = rowToView(row);
    assert.equal(parseCachedView('not json'), null);
    assert.equal(parseCachedView(JSON.stringify({ ...view, version: undefined })), null);
    assert.equal(parseCachedView(JSON.stringify({ ...view, totalAmount: 12.5 })), null);
    assert.equal(parseCachedView(JSON.stringify({ ...view, items: [{ productId: 'x' }] })), null);
  });

  it('refuses amounts outside the safe integer range instead of rounding them', () => {
    assert.equal(toSafeInteger('9007199254740991', 'x'), Number.MAX_SAFE_INTEGER);
    assert.throws(() => toSafeInteger('9007199254740993', 'total_amount'), /total_amount/);
    assert.equal(toSafeInteger(null, 'x'), null);
  });
});
