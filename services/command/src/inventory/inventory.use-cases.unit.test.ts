import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryStreamId } from '@orderflow/contracts';
import { isAppError } from '@orderflow/platform/errors';
import { contextFor, memoryKit, type CommandKit } from '../testing/command-test-kit.js';
import { createOrderInput } from '../testing/fixtures.js';

const isCode = (code: string) => (e: unknown) => isAppError(e) && e.code === code;

async function stock(kit: CommandKit, productId: string, quantity: number) {
  const input = { productId, quantity };
  await kit.commands.replenishStock(input, contextFor(input));
}

async function eventTypes(kit: CommandKit, productId: string) {
  return (await kit.store.readStream(inventoryStreamId(productId))).events.map((e) => e.type);
}

describe('inventory use cases', () => {
  describe('reserveInventory', () => {
    it('reserves every line, one event per product stream', async () => {
      const kit = memoryKit();
      await stock(kit, 'p-a', 5);
      await stock(kit, 'p-b', 5);
      const input = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 2 }, { productId: 'p-b', quantity: 5 }] };
      const result = await kit.commands.reserveInventory(input, contextFor(input));
      assert.equal(result.response.aggregateId, 'o-1');
      assert.deepEqual(result.response.events, ['InventoryReserved', 'InventoryReserved']);
      assert.deepEqual(
        result.response.streams.map((s) => [s.aggregateId, s.version]),
        [['p-a', 2], ['p-b', 2]],
      );
    });

    it('reserves nothing when any line is short, recording the failure on the short product only', async () => {
      const kit = memoryKit();
      await stock(kit, 'p-a', 5);
      await stock(kit, 'p-b', 1);
      const input = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 2 }, { productId: 'p-b', quantity: 3 }] };
      const result = await kit.commands.reserveInventory(input, contextFor(input));
      assert.deepEqual(result.response.events, ['InventoryReservationFailed']);
      assert.deepEqual(await eventTypes(kit, 'p-a'), ['StockReplenished']);
      assert.deepEqual(await eventTypes(kit, 'p-b'), ['StockReplenished', 'InventoryReservationFailed']);
    });

    it("takes the order's lines when none are given", async () => {
      const kit = memoryKit();
      await stock(kit, 'sku-mug', 10);
      const order = createOrderInput();
      const orderId = (await kit.commands.createOrder(order, contextFor(order))).response.aggregateId;
      const input = { orderId };
      const result = await kit.commands.reserveInventory(input, contextFor(input));
      assert.deepEqual(result.response.streams.map((s) => s.aggregateId), ['sku-mug']);
    });

    it('answers a retry by command id from the store, and a second reservation for the order changes nothing', async () => {
      const kit = memoryKit();
      await stock(kit, 'p-a', 5);
      const input = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 2 }] };
      const first = await kit.commands.reserveInventory(input, contextFor(input, { key: 'saga-1:reserve' }));
      const retry = await kit.commands.reserveInventory(input, contextFor(input, { key: 'saga-1:reserve' }));
      assert.equal(retry.replayed, true);
      assert.deepEqual(retry.response, first.response);
      const another = await kit.commands.reserveInventory(input, contextFor(input));
      assert.deepEqual(another.response.events, []);
      assert.deepEqual(await eventTypes(kit, 'p-a'), ['StockReplenished', 'InventoryReserved']);
    });

    it('refuses a product listed twice, and an unknown product as not found', async () => {
      const kit = memoryKit();
      await stock(kit, 'p-a', 5);
      const twice = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 1 }, { productId: 'p-a', quantity: 1 }] };
      await assert.rejects(kit.commands.reserveInventory(twice, contextFor(twice)), isCode('INVENTORY_DUPLICATE_PRODUCT'));
      const unknown = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 1 }, { productId: 'p-x', quantity: 1 }] };
      await assert.rejects(kit.commands.reserveInventory(unknown, contextFor(unknown)), isCode('INVENTORY_NOT_FOUND'));
      assert.deepEqual(await eventTypes(kit, 'p-a'), ['StockReplenished']);
    });
  });

  describe('releaseInventory', () => {
    it('releases what the order reserved, skipping products it never reserved or that were never stocked', async () => {
      const kit = memoryKit();
      await stock(kit, 'p-a', 5);
      await stock(kit, 'p-b', 5);
      const reserve = { orderId: 'o-1', lines: [{ productId: 'p-a', quantity: 2 }] };
      await kit.commands.reserveInventory(reserve, contextFor(reserve));
      const release = { orderId: 'o-1', productIds: ['p-a', 'p-b', 'p-never-stocked'], reason: 'payment declined' };
      const result = await kit.commands.releaseInventory(release, contextFor(release));
      assert.deepEqual(result.response.events, ['InventoryReleased']);
      const again = await kit.commands.releaseInventory(release, contextFor(release));
      assert.deepEqual(again.response.events, [], 'a compensation delivered twice releases once');
    });
  });
});
