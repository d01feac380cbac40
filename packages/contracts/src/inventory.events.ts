import type { DomainEvent } from './envelope.js';
import type { IsoTimestamp } from './values.js';

/**
 * One Inventory stream per product. `availableQuantity` is the stock left to reserve after
 * the event, so a read model can take it as is instead of summing deltas.
 */
type InventoryFacts = Readonly<{ productId: string; availableQuantity: number; occurredAt: IsoTimestamp }>;

export type StockReplenishedData = InventoryFacts & Readonly<{ quantity: number }>;

/** A reservation is keyed by (productId, orderId). */
export type InventoryReservedData = InventoryFacts & Readonly<{ orderId: string; quantity: number }>;

/**
 * A result event, not an error: the order saga waits for either this or InventoryReserved.
 * `reason` is a stable code, today only `INSUFFICIENT_STOCK`.
 */
export type InventoryReservationFailedData = InventoryFacts &
  Readonly<{ orderId: string; requestedQuantity: number; reason: string }>;

export type InventoryReleasedData = InventoryFacts &
  Readonly<{ orderId: string; quantity: number; reason: string | null }>;

export type StockReplenished = DomainEvent<'StockReplenished', StockReplenishedData>;
export type InventoryReserved = DomainEvent<'InventoryReserved', InventoryReservedData>;
export type InventoryReservationFailed = DomainEvent<'InventoryReservationFailed', InventoryReservationFailedData>;
export type InventoryReleased = DomainEvent<'InventoryReleased', InventoryReleasedData>;

export type InventoryEvent = StockReplenished | InventoryReserved | InventoryReservationFailed | InventoryReleased;

export type InventoryEventType = InventoryEvent['type'];

export const ReservationFailureReasons = { insufficientStock: 'INSUFFICIENT_STOCK' } as const;
