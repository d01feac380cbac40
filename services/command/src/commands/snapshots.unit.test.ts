import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryStreamId, orderStreamId } from '@orderflow/contracts';
import { isAppError } from '@orderflow/platform/errors';
import { contextFor, memoryKit, type CommandKit } from '../testing/command-test-kit.js';
import { createOrderInput } from '../testing/fixtures.js';
import { inventoryAggregate, orderAggregate } from './aggregates.js';

async function orderWithItems(kit: CommandKit, extraItems: number) {
  const input = createOrderInput();
  const orderId = (await kit.commands.createOrder(input, contextFor(input))).response.aggregateId;
  for (let i = 0; i < extraItems; i += 1) {
    const add = { orderId, productId: `sku-${i}`, quantity: 1, unitPrice: 100 };
    await kit.commands.addOrderItem(add, contextFor(add));
  }
  return orderId;
}

describe('snapshots in the command handler', () => {
  it('are saved every N events with the aggregate key and the version inside the state', async () => {
    const kit = memoryKit({ settings: { snapshotEvery: 2 } });
    const orderId = await orderWithItems(kit, 3);
    const snapshot = await kit.store.loadSnapshot(orderStreamId(orderId));
    assert.equal(snapshot?.streamVersion, 4);
    assert.equal(snapshot?.snapshotKey, orderAggregate.snapshotKey);
    assert.equal((snapshot?.state as { version: number }).version, 4);
  });

  it('are read: the state comes from the snapshot, not from a replay', async () => {
    const kit = memoryKit({ settings: { snapshotEvery: 2 } });
    const orderId = await orderWithItems(kit, 1);
    const stored = await kit.store.loadSnapshot(orderStreamId(orderId));
    const state = stored?.state as { version: number; state: Record<string, unknown> };
    // a snapshot that says "cancelled" proves it is what the decision is made on
    const cancelled = { ...state, state: { ...state.state, status: 'cancelled' } };
    // the store keeps the newer snapshot per key: a detour through another key replaces it at the same version
    await kit.store.saveSnapshot({ ...stored!, snapshotKey: 'detour' });
    await kit.store.saveSnapshot({ ...stored!, state: cancelled });
    const add = { orderId, productId: 'sku-late', quantity: 1, unitPrice: 100 };
    // an instance that has not seen the stream yet reads it
    const other = memoryKit({ store: kit.store, settings: { snapshotEvery: 2 } });
    await assert.rejects(other.commands.addOrderItem(add, contextFor(add)), (e) => isAppError(e) && e.code === 'ORDER_NOT_PENDING');
  });

  it('under another key are ignored and the stream replayed', async () => {
    const kit = memoryKit({ settings: { snapshotEvery: 2 } });
    const orderId = await orderWithItems(kit, 1);
    await kit.store.saveSnapshot({ streamId: orderStreamId(orderId), streamVersion: 2, snapshotKey: 'stale', state: { nonsense: true } });
    const add = { orderId, productId: 'sku-late', quantity: 1, unitPrice: 100 };
    const result = await kit.commands.addOrderItem(add, contextFor(add));
    assert.equal(result.response.version, 3);
  });

  it('are saved for the streams of a multi-stream command too', async () => {
    const kit = memoryKit({ settings: { snapshotEvery: 2 } });
    const stock = { productId: 'p-a', quantity: 10 };
    await kit.commands.replenishStock(stock, contextFor(stock));
    const reserve = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 3 }] };
    await kit.commands.reserveInventory(reserve, contextFor(reserve));
    const snapshot = await kit.store.loadSnapshot(inventoryStreamId('p-a'));
    assert.equal(snapshot?.snapshotKey, inventoryAggregate.snapshotKey);
    assert.deepEqual(snapshot?.state, {
      version: 2,
      state: { status: 'stocked', productId: 'p-a', available: 7, reservations: { 'o-1': { quantity: 3, released: false } } },
    });
  });
});
