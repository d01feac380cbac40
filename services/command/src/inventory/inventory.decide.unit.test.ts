import { describe, it } from 'node:test';
import type { InventoryEvent, ReleaseInventory, ReplenishStock, ReserveInventory } from '@orderflow/contracts';
import { command, deciderSpec, NOW_ISO } from '../testing/decider-spec.js';
import { inventoryDecider } from './inventory.decide.js';

const spec = deciderSpec(inventoryDecider);
const productId = 'SKU-MUG';
const at = { occurredAt: NOW_ISO };

const replenish = (quantity: number) => command<ReplenishStock>('ReplenishStock', { productId, quantity });
const reserve = (orderId: string, quantity: number) => command<ReserveInventory>('ReserveInventory', { productId, orderId, quantity });
const release = (orderId: string, reason: string | null = null) =>
  command<ReleaseInventory>('ReleaseInventory', { productId, orderId, reason });

const replenished = (quantity: number, available: number): InventoryEvent => ({
  type: 'StockReplenished',
  data: { productId, availableQuantity: available, ...at, quantity },
});
const reserved = (orderId: string, quantity: number, available: number): InventoryEvent => ({
  type: 'InventoryReserved',
  data: { productId, availableQuantity: available, ...at, orderId, quantity },
});
const released = (orderId: string, quantity: number, available: number, reason: string | null = null): InventoryEvent => ({
  type: 'InventoryReleased',
  data: { productId, availableQuantity: available, ...at, orderId, quantity, reason },
});

describe('inventory decider', () => {
  describe('given an unknown product', () => {
    const given = spec.given([]);
    it('starts its stock on the first replenishment', () => given.when(replenish(10)).then([replenished(10, 10)]));
    it('refuses a reservation as not found', () => given.when(reserve('o-1', 1)).thenThrows('INVENTORY_NOT_FOUND', 'not_found'));
    it('refuses a release as not found', () => given.when(release('o-1')).thenThrows('INVENTORY_NOT_FOUND', 'not_found'));
    for (const quantity of [0, -5, 2.5]) {
      it(`refuses replenishing ${quantity}`, () => given.when(replenish(quantity)).thenThrows('INVENTORY_INVALID_QUANTITY', 'validation'));
    }
    it('refuses a blank product id', () =>
      given.when(command<ReplenishStock>('ReplenishStock', { productId: '', quantity: 1 })).thenThrows('INVENTORY_INVALID_ID', 'validation'));
  });

  describe('given 10 in stock', () => {
    const given = spec.given([replenished(10, 10)]);
    it('adds a replenishment to what is available', () => given.when(replenish(5)).then([replenished(5, 15)]));
    it('refuses a stock level beyond exact integers', () =>
      given.when(replenish(Number.MAX_SAFE_INTEGER)).thenThrows('INVENTORY_QUANTITY_OUT_OF_RANGE', 'validation'));
    it('reserves part of it', () => given.when(reserve('o-1', 4)).then([reserved('o-1', 4, 6)]));
    it('reserves all of it, down to zero', () => given.when(reserve('o-1', 10)).then([reserved('o-1', 10, 0)]));
    it('answers a reservation beyond it with a failure event, not an error', () =>
      given.when(reserve('o-1', 11)).then([
        {
          type: 'InventoryReservationFailed',
          data: { productId, availableQuantity: 10, ...at, orderId: 'o-1', requestedQuantity: 11, reason: 'INSUFFICIENT_STOCK' },
        },
      ]));
    it('refuses a zero reservation', () => given.when(reserve('o-1', 0)).thenThrows('INVENTORY_INVALID_QUANTITY', 'validation'));
    it('refuses a blank order id', () => given.when(reserve(' ', 1)).thenThrows('INVENTORY_INVALID_ID', 'validation'));
    it('releases nothing for an order that never reserved', () => given.when(release('o-1')).thenNothing());
    it('treats an order id named like an object property as unknown', () => given.when(release('constructor')).thenNothing());
  });

  describe('given 7 of 10 reserved for one order', () => {
    const given = spec.given([replenished(10, 10), reserved('o-1', 7, 3)]);
    it('fails another order that wants more than the rest', () =>
      given.when(reserve('o-2', 4)).then([
        {
          type: 'InventoryReservationFailed',
          data: { productId, availableQuantity: 3, ...at, orderId: 'o-2', requestedQuantity: 4, reason: 'INSUFFICIENT_STOCK' },
        },
      ]));
    it('reserves the rest for another order', () => given.when(reserve('o-2', 3)).then([reserved('o-2', 3, 0)]));
    it('treats the same reservation asked again as done', () => given.when(reserve('o-1', 7)).thenNothing());
    it('refuses the same order asking for another quantity', () =>
      given.when(reserve('o-1', 2)).thenThrows('INVENTORY_ALREADY_RESERVED', 'precondition'));
    it('releases it, giving the stock back', () => given.when(release('o-1', 'payment declined')).then([released('o-1', 7, 10, 'payment declined')]));
    it('refuses a blank release reason', () => given.when(release('o-1', '')).thenThrows('INVENTORY_INVALID_REASON', 'validation'));
    it('keeps a failed reservation from changing what is available', () =>
      spec
        .given([
          replenished(10, 10),
          reserved('o-1', 7, 3),
          { type: 'InventoryReservationFailed', data: { productId, availableQuantity: 3, ...at, orderId: 'o-2', requestedQuantity: 4, reason: 'INSUFFICIENT_STOCK' } },
        ])
        .when(reserve('o-3', 3))
        .then([reserved('o-3', 3, 0)]));
  });

  describe('given a released reservation', () => {
    const given = spec.given([replenished(10, 10), reserved('o-1', 7, 3), released('o-1', 7, 10)]);
    it('releases at most once: a second release produces nothing', () => given.when(release('o-1')).thenNothing());
    it('refuses reserving again for the same order', () =>
      given.when(reserve('o-1', 7)).thenThrows('INVENTORY_RESERVATION_RELEASED', 'precondition'));
    it('has all the stock available again', () => given.when(reserve('o-2', 10)).then([reserved('o-2', 10, 0)]));
  });
});
