import type { DomainCommand } from './envelope.js';

/** Reserves stock for one order; the answer is InventoryReserved or InventoryReservationFailed. */
export type ReserveInventory = DomainCommand<'ReserveInventory', { productId: string; orderId: string; quantity: number }>;

/** A compensation: releasing a reservation that is gone, or never was, is a no-op. */
export type ReleaseInventory = DomainCommand<
  'ReleaseInventory',
  { productId: string; orderId: string; reason?: string | null }
>;

/** Adds stock; the first replenishment of a product starts its stream. */
export type ReplenishStock = DomainCommand<'ReplenishStock', { productId: string; quantity: number }>;

export type InventoryCommand = ReserveInventory | ReleaseInventory | ReplenishStock;

export type InventoryCommandType = InventoryCommand['type'];
