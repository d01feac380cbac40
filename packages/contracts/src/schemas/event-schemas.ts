import type { EventOfType, EventType } from '../events.js';
import type { AvroRecordSchema } from './avro-schema.js';
import { inventoryEventSchemas } from './inventory.schemas.js';
import { orderEventSchemas } from './order.schemas.js';
import { paymentEventSchemas } from './payment.schemas.js';
import { shipmentEventSchemas } from './shipment.schemas.js';

export type EventSchemas = { readonly [T in EventType]: AvroRecordSchema<EventOfType<T>['data']> };

/** The Avro schema of each event's `data`, record name = event type. */
export const eventSchemas: EventSchemas = {
  ...orderEventSchemas,
  ...inventoryEventSchemas,
  ...paymentEventSchemas,
  ...shipmentEventSchemas,
};

/**
 * The version new events are written with. Bump it together with the schema and add an
 * upcaster from the previous version; the registry enforces BACKWARD compatibility.
 */
export const currentSchemaVersion: Readonly<Record<EventType, number>> = {
  OrderCreated: 1,
  OrderItemAdded: 1,
  OrderItemRemoved: 1,
  OrderConfirmed: 1,
  OrderCancelled: 1,
  OrderShipped: 1,
  PaymentProcessed: 1,
  StockReplenished: 1,
  InventoryReserved: 1,
  InventoryReservationFailed: 1,
  InventoryReleased: 1,
  PaymentAuthorized: 1,
  PaymentDeclined: 1,
  PaymentCaptured: 1,
  PaymentVoided: 1,
  PaymentRefunded: 1,
  ShipmentCreated: 1,
  ShipmentRejected: 1,
  ShipmentCancelled: 1,
};
