import type {
  InventoryReleasedData,
  InventoryReservationFailedData,
  InventoryReservedData,
  StockReplenishedData,
} from '../inventory.events.js';
import { nullable, recordOf } from './avro-schema.js';

export const inventoryEventSchemas = {
  StockReplenished: recordOf<StockReplenishedData>('StockReplenished', {
    productId: 'string',
    availableQuantity: 'long',
    occurredAt: 'string',
    quantity: 'long',
  }),
  InventoryReserved: recordOf<InventoryReservedData>('InventoryReserved', {
    productId: 'string',
    availableQuantity: 'long',
    occurredAt: 'string',
    orderId: 'string',
    quantity: 'long',
  }),
  InventoryReservationFailed: recordOf<InventoryReservationFailedData>('InventoryReservationFailed', {
    productId: 'string',
    availableQuantity: 'long',
    occurredAt: 'string',
    orderId: 'string',
    requestedQuantity: 'long',
    reason: 'string',
  }),
  InventoryReleased: recordOf<InventoryReleasedData>('InventoryReleased', {
    productId: 'string',
    availableQuantity: 'long',
    occurredAt: 'string',
    orderId: 'string',
    quantity: 'long',
    reason: nullable('string'),
  }),
};
