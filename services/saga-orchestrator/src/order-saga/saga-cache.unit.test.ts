import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredSaga } from '../adapters/postgres/saga-store.js';
import type { ActiveOrderSaga } from './order-saga.types.js';
import { createSagaCache } from './saga-cache.js';

const saga = (sagaId: string, orderId: string, version: number): StoredSaga => ({
  sagaId,
  state: { sagaId, orderId } as ActiveOrderSaga,
  version,
});

describe('saga cache', () => {
  it('keeps the newest version known, whatever order writes finish in', () => {
    const cache = createSagaCache();
    cache.put(saga('s-1', 'o-1', 5));
    cache.put(saga('s-1', 'o-1', 3));
    assert.equal(cache.get('o-1')?.version, 5);
    cache.put(saga('s-1', 'o-1', 7));
    assert.equal(cache.bySagaId('s-1')?.version, 7);
  });

  it('forgets the oldest entries beyond its capacity', () => {
    const cache = createSagaCache(2);
    cache.put(saga('s-1', 'o-1', 1));
    cache.put(saga('s-2', 'o-2', 1));
    cache.put(saga('s-1', 'o-1', 2));
    cache.put(saga('s-3', 'o-3', 1));
    assert.equal(cache.get('o-2'), undefined, 'least recently written');
    assert.equal(cache.bySagaId('s-2'), undefined);
    assert.equal(cache.get('o-1')?.version, 2);
  });

  it('finds a saga by id only while it is the one known for its order', () => {
    const cache = createSagaCache();
    cache.put(saga('s-1', 'o-1', 2));
    cache.put(saga('s-2', 'o-1', 3));
    assert.equal(cache.bySagaId('s-1'), undefined);
    assert.equal(cache.bySagaId('s-2')?.version, 3);
  });
});
