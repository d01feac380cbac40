import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServableAsIs, parseCachedDetail, rememberingDetailParser } from './cached-detail.js';
import { orderViewSchema, type OrderView } from './order-view.js';
import { orderViewFixture } from '../testing/order-view-fixture.js';

const view: OrderView = {
  ...orderViewFixture,
  shippingAddress: { line1: '1 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' },
  payment: { paymentId: 'p-1', status: 'AUTHORIZED', amount: 2500 },
  shipment: { shipmentId: 's-1', carrier: null, trackingNumber: 'TRK-1' },
};

/** Entries a cache may hold: the served shape, and shapes one change away from it. */
const variants: Record<string, unknown> = {
  served: view,
  allNullable: { ...view, currency: null, totalAmount: null, itemCount: null, shippingAddress: null, payment: null, shipment: null, createdAt: null, updatedAt: null, items: [] },
  extraField: { ...view, revision: 9 },
  missingField: { ...view, cancellationReason: undefined },
  extraItemField: { ...view, items: [{ ...view.items[0], name: 'x' }] },
  extraPaymentField: { ...view, payment: { ...view.payment, token: 'tok_visa' } },
  missingPaymentAmount: { ...view, payment: { paymentId: 'p-1', status: 'AUTHORIZED' } },
  extraShipmentField: { ...view, shipment: { ...view.shipment, label: 'x' } },
  fractionalAmount: { ...view, totalAmount: 12.5 },
  negativeAmount: { ...view, items: [{ ...view.items[0], unitPrice: -1 }] },
  zeroVersion: { ...view, version: 0 },
  textVersion: { ...view, version: '3' },
  emptyOrderId: { ...view, orderId: '' },
  badInstant: { ...view, updatedAt: 'yesterday' },
  addressArray: { ...view, shippingAddress: ['1 Main St'] },
  itemsObject: { ...view, items: {} },
  unsafeAmount: { ...view, totalAmount: 2 ** 60 },
};

describe('cached detail', () => {
  it('serves the entry as stored only when the schema would return it unchanged', () => {
    for (const [name, value] of Object.entries(variants)) {
      // JSON round trip: what Redis would hand back (undefined fields disappear)
      const entry: unknown = JSON.parse(JSON.stringify(value));
      if (!isServableAsIs(entry)) continue;
      assert.deepEqual(orderViewSchema.parse(entry), entry, `${name} is served as is but the schema would change it`);
    }
    assert.equal(isServableAsIs(JSON.parse(JSON.stringify(view))), true);
    assert.equal(isServableAsIs(JSON.parse(JSON.stringify(variants['allNullable']))), true);
  });

  it('keeps the stored text for a served-shape entry, and none for one the schema had to change', () => {
    const stored = JSON.stringify(view);
    assert.deepEqual(parseCachedDetail(stored), { view, json: stored });
    const withExtra = parseCachedDetail(JSON.stringify(variants['extraField']));
    assert.deepEqual(withExtra, { view, json: null });
    const missing = parseCachedDetail(JSON.stringify(variants['missingField']));
    assert.deepEqual(missing, { view, json: null }, 'the schema defaults the missing field to null');
    const noAmount = parseCachedDetail(JSON.stringify(variants['missingPaymentAmount']));
    assert.deepEqual(noAmount, { view: { ...view, payment: { paymentId: 'p-1', status: 'AUTHORIZED', amount: null } }, json: null });
  });

  it('treats entries neither path can serve as absent', () => {
    for (const name of ['fractionalAmount', 'negativeAmount', 'zeroVersion', 'textVersion', 'emptyOrderId', 'badInstant', 'addressArray', 'itemsObject']) {
      assert.equal(parseCachedDetail(JSON.stringify(variants[name])), null, name);
    }
    assert.equal(parseCachedDetail('{"orderId":'), null);
    assert.equal(parseCachedDetail('null'), null);
  });

  it('remembers the answer for an entry only as long as the entry read is that same text', () => {
    const parse = rememberingDetailParser(2);
    const stored = JSON.stringify(view);
    const first = parse('o-1', stored);
    assert.deepEqual(first, { view, json: stored });
    // the same text, read again (a new string each time from Redis): the same answer, which no caller can change
    const again = parse('o-1', `${stored} `.trimEnd());
    assert.equal(again, first);
    assert.ok(Object.isFrozen(again?.view) && Object.isFrozen(again?.view.items[0]));
    // the projection wrote a newer version: parsed anew, never the remembered one
    const newer = JSON.stringify({ ...view, version: 4, status: 'SHIPPED' });
    assert.deepEqual(parse('o-1', newer)?.view, { ...view, version: 4, status: 'SHIPPED' });
    assert.equal(parse('o-1', newer)?.view.version, 4);
    // an unusable entry stays unusable, and a usable one after it is served
    assert.equal(parse('o-1', '{"orderId":'), null);
    assert.equal(parse('o-1', '{"orderId":'), null);
    assert.equal(parse('o-1', stored)?.view.version, 3);
  });

  it('forgets the key remembered first when full, and answers correctly for it afterwards', () => {
    const parse = rememberingDetailParser(2);
    const entry = (orderId: string) => JSON.stringify({ ...view, orderId });
    const a = parse('a', entry('a'));
    parse('b', entry('b'));
    parse('c', entry('c'));
    const aAgain = parse('a', entry('a'));
    assert.notEqual(aAgain, a, 'parsed anew after being forgotten');
    assert.deepEqual(aAgain, a);
    assert.equal(parse('c', entry('c'))?.view.orderId, 'c');
  });
});
