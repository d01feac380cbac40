import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import type { InventoryEvent } from '@orderflow/contracts';
import { recorded } from '../testing/recorded-events.js';
import type { InventoryStreamEvent } from '../projected-event.js';
import { evolveInventoryView, type InventoryView } from './inventory-view.evolve.js';

const fold = (...events: InventoryEvent[]) =>
  events.reduce<InventoryView | null>((row, e, i) => evolveInventoryView(row, recorded(e, i + 1) as InventoryStreamEvent), null);

describe('inventory view', () => {
  it('StockReplenished sets what is available, nothing reserved', () => {
    assert.deepEqual(fold(eventFixtures.StockReplenished), {
      productId: 'SKU-RED-MUG',
      available: 120,
      reserved: 0,
      version: 1,
      updatedAt: eventFixtures.StockReplenished.data.occurredAt,
    });
  });

  it('InventoryReserved moves units to reserved', () => {
    const row = fold(eventFixtures.StockReplenished, eventFixtures.InventoryReserved);
    assert.equal(row?.available, 118);
    assert.equal(row?.reserved, 2);
    assert.equal(row?.version, 2);
  });

  it('InventoryReleased gives them back', () => {
    const row = fold(eventFixtures.StockReplenished, eventFixtures.InventoryReserved, eventFixtures.InventoryReleased);
    assert.equal(row?.available, 120);
    assert.equal(row?.reserved, 0);
  });

  it('a failed reservation reserves nothing', () => {
    const row = fold(eventFixtures.StockReplenished, eventFixtures.InventoryReservationFailed);
    assert.equal(row?.available, 1);
    assert.equal(row?.reserved, 0);
  });
});
