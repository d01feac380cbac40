import type { DomainEvent } from './envelope.js';
import type { IsoTimestamp, ShippingAddress } from './values.js';

type ShipmentFacts = Readonly<{ shipmentId: string; orderId: string; occurredAt: IsoTimestamp }>;

export type ShipmentCreatedData = ShipmentFacts &
  Readonly<{
    carrier: string;
    trackingNumber: string;
    labelUrl: string | null;
    shippingAddress: ShippingAddress;
  }>;

/**
 * A result event: the carrier refused the shipment (for instance an address it cannot
 * serve). The saga's shipment step fails on it without retrying. `code` is the carrier's
 * stable reason code.
 */
export type ShipmentRejectedData = ShipmentFacts &
  Readonly<{
    code: string;
    reason: string;
  }>;

export type ShipmentCancelledData = ShipmentFacts &
  Readonly<{
    trackingNumber: string;
    reason: string | null;
  }>;

export type ShipmentCreated = DomainEvent<'ShipmentCreated', ShipmentCreatedData>;
export type ShipmentRejected = DomainEvent<'ShipmentRejected', ShipmentRejectedData>;
export type ShipmentCancelled = DomainEvent<'ShipmentCancelled', ShipmentCancelledData>;

export type ShipmentEvent = ShipmentCreated | ShipmentRejected | ShipmentCancelled;

export type ShipmentEventType = ShipmentEvent['type'];
