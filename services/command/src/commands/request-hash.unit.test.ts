import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, requestHashOf } from './request-hash.js';

describe('canonical request JSON', () => {
  it('sorts keys at every depth', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } }), '{"a":{"c":"x","d":[1,2]},"b":1}');
  });

  it('keeps array order, which is meaningful', () => {
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('leaves undefined members out, so an absent field and an undefined one agree', () => {
    assert.equal(canonicalJson({ a: 1, b: undefined }), canonicalJson({ a: 1 }));
    assert.notEqual(canonicalJson({ a: 1, b: null }), canonicalJson({ a: 1 }));
  });

  it('escapes strings as JSON does', () => {
    assert.equal(canonicalJson({ 'k"': 'v\n' }), '{"k\\"":"v\\n"}');
  });
});

describe('request hash', () => {
  const body = { customerId: 'c-1', items: [{ productId: 'p', quantity: 1 }] };

  it('is the same for the same request whatever the field order', () => {
    const reordered = { items: [{ quantity: 1, productId: 'p' }], customerId: 'c-1' };
    assert.equal(requestHashOf('POST /api/v1/orders', body), requestHashOf('POST /api/v1/orders', reordered));
  });

  it('differs by operation and by any value', () => {
    const hash = requestHashOf('POST /api/v1/orders', body);
    assert.notEqual(requestHashOf('grpc CreateOrder', body), hash);
    assert.notEqual(requestHashOf('POST /api/v1/orders', { ...body, customerId: 'c-2' }), hash);
    assert.match(hash, /^[0-9a-f]{64}$/);
  });
});
