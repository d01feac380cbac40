import {
  assertNever,
  isId,
  isPositiveQuantity,
  isText,
  ReservationFailureReasons,
  type Decider,
  type InventoryCommand,
  type InventoryEvent,
  type ReleaseInventory,
  type ReplenishStock,
  type ReserveInventory,
} from '@orderflow/contracts';
import { notFound, precondition, validation } from '@orderflow/platform/errors';

export type Reservation = Readonly<{ quantity: number; released: boolean }>;

export type Stock = Readonly<{
  status: 'stocked';
  productId: string;
  /** Never negative: a reservation larger than this fails instead. */
  available: number;
  /**
   * Keyed by orderId. Released reservations stay, so a repeated release is recognised and
   * produces nothing: compensations may be delivered more than once.
   */
  reservations: Readonly<Record<string, Reservation>>;
}>;

export type InventoryState = Readonly<{ status: 'none' }> | Stock;

export const initialState = (): InventoryState => ({ status: 'none' });

// Own keys only: an orderId such as `constructor` must not find an inherited property.
const reservationOf = (stock: Stock, orderId: string): Reservation | undefined =>
  Object.hasOwn(stock.reservations, orderId) ? stock.reservations[orderId] : undefined;

export function evolve(state: InventoryState, event: InventoryEvent): InventoryState {
  const { productId, availableQuantity: available } = event.data;
  if (event.type === 'StockReplenished') {
    return state.status === 'none' ? { status: 'stocked', productId, available, reservations: {} } : { ...state, available };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'InventoryReserved':
      return {
        ...state,
        available,
        reservations: { ...state.reservations, [event.data.orderId]: { quantity: event.data.quantity, released: false } },
      };
    case 'InventoryReservationFailed':
      return { ...state, available };
    case 'InventoryReleased':
      return {
        ...state,
        available,
        reservations: { ...state.reservations, [event.data.orderId]: { quantity: event.data.quantity, released: true } },
      };
    default:
      return assertNever(event, 'inventory event');
  }
}

export function decide(command: InventoryCommand, state: InventoryState): InventoryEvent[] {
  switch (command.type) {
    case 'ReplenishStock':
      return replenish(command, state);
    case 'ReserveInventory':
      return reserve(command, state);
    case 'ReleaseInventory':
      return release(command, state);
    default:
      return assertNever(command, 'inventory command');
  }
}

export const inventoryDecider: Decider<InventoryState, InventoryCommand, InventoryEvent> = { initialState, evolve, decide };

function requireId(value: unknown, field: string): string {
  if (!isId(value)) throw validation('INVENTORY_INVALID_ID', `${field} must be a non-blank id`, { field });
  return value;
}

function requireQuantity(value: unknown): number {
  if (!isPositiveQuantity(value)) throw validation('INVENTORY_INVALID_QUANTITY', 'quantity must be a positive integer');
  return value;
}

function requireStock(state: InventoryState, productId: string): Stock {
  if (state.status === 'none') throw notFound('INVENTORY_NOT_FOUND', `no inventory for product ${productId}`, { productId });
  return state;
}

function replenish({ data, metadata }: ReplenishStock, state: InventoryState): InventoryEvent[] {
  const productId = requireId(data.productId, 'productId');
  const quantity = requireQuantity(data.quantity);
  const available = (state.status === 'none' ? 0 : state.available) + quantity;
  if (!Number.isSafeInteger(available)) throw validation('INVENTORY_QUANTITY_OUT_OF_RANGE', 'stock level would be out of range');
  return [{ type: 'StockReplenished', data: { productId, availableQuantity: available, occurredAt: metadata.now.toISOString(), quantity } }];
}

function reserve({ data, metadata }: ReserveInventory, state: InventoryState): InventoryEvent[] {
  const productId = requireId(data.productId, 'productId');
  const orderId = requireId(data.orderId, 'orderId');
  const quantity = requireQuantity(data.quantity);
  const stock = requireStock(state, productId);
  const existing = reservationOf(stock, orderId);
  const details = { productId, orderId };
  if (existing?.released) {
    throw precondition('INVENTORY_RESERVATION_RELEASED', `the reservation of ${productId} for order ${orderId} was released`, details);
  }
  if (existing) {
    // The same reservation asked again (a redelivered saga step) is already satisfied.
    if (existing.quantity === quantity) return [];
    throw precondition('INVENTORY_ALREADY_RESERVED', `order ${orderId} already holds ${existing.quantity} of ${productId}`, details);
  }
  const occurredAt = metadata.now.toISOString();
  if (stock.available < quantity) {
    return [
      {
        type: 'InventoryReservationFailed',
        data: {
          productId,
          availableQuantity: stock.available,
          occurredAt,
          orderId,
          requestedQuantity: quantity,
          reason: ReservationFailureReasons.insufficientStock,
        },
      },
    ];
  }
  return [{ type: 'InventoryReserved', data: { productId, availableQuantity: stock.available - quantity, occurredAt, orderId, quantity } }];
}

function release({ data, metadata }: ReleaseInventory, state: InventoryState): InventoryEvent[] {
  const productId = requireId(data.productId, 'productId');
  const orderId = requireId(data.orderId, 'orderId');
  const reason = data.reason ?? null;
  if (reason !== null && !isText(reason)) throw validation('INVENTORY_INVALID_REASON', 'reason must be non-blank text');
  const stock = requireStock(state, productId);
  const reservation = reservationOf(stock, orderId);
  // Released already, or never made (the reserve step failed or never landed): nothing to give back.
  if (!reservation || reservation.released) return [];
  return [
    {
      type: 'InventoryReleased',
      data: {
        productId,
        availableQuantity: stock.available + reservation.quantity,
        occurredAt: metadata.now.toISOString(),
        orderId,
        quantity: reservation.quantity,
        reason,
      },
    },
  ];
}
