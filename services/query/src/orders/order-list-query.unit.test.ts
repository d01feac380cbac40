import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSort, paginationOf, parseSort, queryHash, sortValues } from './order-list-query.js';

describe('sort', () => {
  it('accepts every whitelisted field in both directions, and defaults to newest first', () => {
    assert.equal(sortValues.length, 8);
    for (const value of sortValues) {
      const [field, direction] = value.split(':');
      assert.deepEqual(parseSort(value), { field, direction });
    }
    assert.deepEqual(parseSort(undefined), defaultSort);
    assert.deepEqual(defaultSort, { field: 'createdAt', direction: 'desc' });
  });

  it('refuses anything else', () => {
    for (const value of ['createdAt', 'createdAt:up', 'customerId:asc', 'order_id:desc', 'createdAt:desc:x', '', 'constructor:asc', 'toString:desc']) {
      assert.equal(parseSort(value), null, value);
    }
  });
});

describe('pagination', () => {
  it('counts whole pages, including a last partial one', () => {
    assert.deepEqual(paginationOf({ page: 2, limit: 20 }, 41), { page: 2, limit: 20, total: 41, totalPages: 3 });
    assert.deepEqual(paginationOf({ page: 1, limit: 20 }, 0), { page: 1, limit: 20, total: 0, totalPages: 0 });
    assert.equal(paginationOf({ page: 1, limit: 10 }, 10).totalPages, 1);
  });
});

describe('queryHash', () => {
  it('ignores key order and absent keys, and separates kinds and values', () => {
    const a = queryHash('list', { status: 'PAID', page: 1, limit: 20, customerId: undefined });
    const b = queryHash('list', { limit: 20, page: 1, status: 'PAID' });
    assert.equal(a, b);
    assert.notEqual(a, queryHash('search', { limit: 20, page: 1, status: 'PAID' }));
    assert.notEqual(a, queryHash('list', { limit: 20, page: 2, status: 'PAID' }));
    assert.notEqual(
      queryHash('list', { sort: { field: 'status', direction: 'asc' } }),
      queryHash('list', { sort: { field: 'status', direction: 'desc' } }),
    );
    assert.match(a, /^[\w-]{32}$/);
  });
});
