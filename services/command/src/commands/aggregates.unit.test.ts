import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InventoryEvent, ReplenishStock } from '@orderflow/contracts';
import { ConcurrencyError } from '@orderflow/platform/errors';
import { inventoryAggregate, orderAggregate, paymentAggregate, shipmentAggregate, versionedDecider } from './aggregates.js';

const replenish = (quantity: number): ReplenishStock => ({
  type: 'ReplenishStock',
  data: { productId: 'p-1', quantity },
  metadata: { now: new Date('2026-01-01T00:00:00Z'), commandId: 'c-1' },
});

const replenished = (quantity: number, available: number): InventoryEvent => ({
  type: 'StockReplenished',
  data: { productId: 'p-1', quantity, availableQuantity: available, occurredAt: '2026-01-01T00:00:00.000Z' },
});

describe('versioned decider', () => {
  it('counts the events folded', () => {
    const decider = versionedDecider(inventoryAggregate, 'inventory-p-1');
    const state = [replenished(5, 5), replenished(2, 7)].reduce(decider.evolve, decider.initialState());
    assert.equal(state.version, 2);
    assert.equal(state.state.status === 'stocked' && state.state.available, 7);
  });

  it('decides as the aggregate does when no version is expected', () => {
    const decider = versionedDecider(inventoryAggregate, 'inventory-p-1');
    const state = decider.evolve(decider.initialState(), replenished(5, 5));
    assert.deepEqual(decider.decide(replenish(1), state).map((e) => e.data.availableQuantity), [6]);
  });

  it('refuses with a ConcurrencyError when the stream is not at the expected version', () => {
    const decider = versionedDecider(inventoryAggregate, 'inventory-p-1', 0);
    const state = decider.evolve(decider.initialState(), replenished(5, 5));
    assert.throws(
      () => decider.decide(replenish(1), state),
      (e: unknown) => e instanceof ConcurrencyError && e.expectedVersion === 0 && e.actualVersion === 1,
    );
    assert.equal(versionedDecider(inventoryAggregate, 'inventory-p-1', 1).decide(replenish(1), state).length, 1);
  });
});

describe('snapshot keys', () => {
  it('differ between aggregates and stay stable within one', () => {
    const keys = [orderAggregate, inventoryAggregate, paymentAggregate, shipmentAggregate].map((k) => k.snapshotKey);
    assert.equal(new Set(keys).size, 4);
    assert.match(orderAggregate.snapshotKey, /^[0-9a-f]{32}$/);
  });
});
