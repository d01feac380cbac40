import type { DomainCommand } from './envelope.js';
import type { ShippingAddress } from './values.js';

/** The carrier's answer to a label request; it travels on the command so deciding stays pure. */
export type CarrierLabelResult =
  | Readonly<{ outcome: 'created'; carrier: string; trackingNumber: string; labelUrl: string | null }>
  | Readonly<{ outcome: 'rejected'; code: string; reason: string }>;

export type CreateShipment = DomainCommand<
  'CreateShipment',
  { shipmentId: string; orderId: string; shippingAddress: ShippingAddress; label: CarrierLabelResult }
>;

/** A compensation: cancelling twice, or cancelling a rejected shipment, produces nothing. */
export type CancelShipment = DomainCommand<'CancelShipment', { shipmentId: string; reason?: string | null }>;

export type ShipmentCommand = CreateShipment | CancelShipment;

export type ShipmentCommandType = ShipmentCommand['type'];
