import { assertNever } from '@orderflow/contracts';
import { laterOf, type InventoryStreamEvent } from '../projected-event.js';

/** One row of inventory_views. */
export type InventoryView = Readonly<{
  productId: string;
  available: number;
  reserved: number;
  version: number;
  updatedAt: string;
}>;

/**
 * Every Inventory event states the stock left to reserve, so `available` is taken as
 * is; `reserved` follows reservations and releases. No event consumes a reservation at
 * shipping, so shipped units stay counted as reserved.
 */
export function evolveInventoryView(row: InventoryView | null, event: InventoryStreamEvent): InventoryView {
  const d = event.data;
  const reserved = row?.reserved ?? 0;
  const base = {
    productId: d.productId,
    available: d.availableQuantity,
    version: event.streamVersion,
    updatedAt: laterOf(row?.updatedAt ?? null, d.occurredAt),
  };
  switch (event.type) {
    case 'StockReplenished':
    case 'InventoryReservationFailed':
      return { ...base, reserved };
    case 'InventoryReserved':
      return { ...base, reserved: reserved + event.data.quantity };
    case 'InventoryReleased':
      return { ...base, reserved: Math.max(0, reserved - event.data.quantity) };
    default:
      return assertNever(event, 'inventory event');
  }
}
