import type { StreamType } from './envelope.js';
import type { InventoryEvent } from './inventory.events.js';
import type { OrderEvent } from './order.events.js';
import type { PaymentEvent } from './payment.events.js';
import type { ShipmentEvent } from './shipment.events.js';

export type AnyEvent = OrderEvent | InventoryEvent | PaymentEvent | ShipmentEvent;
export type EventType = AnyEvent['type'];
export type EventOfType<T extends EventType> = Extract<AnyEvent, { type: T }>;

/**
 * The stream (aggregate) type each event belongs to, which also picks its Kafka topic.
 * A Record, so adding an event type without listing it here fails to compile.
 */
export const eventStreamType: Readonly<Record<EventType, StreamType>> = {
  OrderCreated: 'Order',
  OrderItemAdded: 'Order',
  OrderItemRemoved: 'Order',
  OrderConfirmed: 'Order',
  OrderCancelled: 'Order',
  OrderShipped: 'Order',
  PaymentProcessed: 'Order',
  StockReplenished: 'Inventory',
  InventoryReserved: 'Inventory',
  InventoryReservationFailed: 'Inventory',
  InventoryReleased: 'Inventory',
  PaymentAuthorized: 'Payment',
  PaymentDeclined: 'Payment',
  PaymentCaptured: 'Payment',
  PaymentVoided: 'Payment',
  PaymentRefunded: 'Payment',
  ShipmentCreated: 'Shipment',
  ShipmentRejected: 'Shipment',
  ShipmentCancelled: 'Shipment',
};

export const eventTypes: readonly EventType[] = Object.freeze(Object.keys(eventStreamType) as EventType[]);

export const isEventType = (value: string): value is EventType => Object.hasOwn(eventStreamType, value);

export const eventTypesOf = (streamType: StreamType): readonly EventType[] =>
  eventTypes.filter((type) => eventStreamType[type] === streamType);
