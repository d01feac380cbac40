import type { ShipmentCancelledData, ShipmentCreatedData, ShipmentRejectedData } from '../shipment.events.js';
import { nullable, recordOf } from './avro-schema.js';
import { shippingAddressSchema } from './value.schemas.js';

export const shipmentEventSchemas = {
  ShipmentCreated: recordOf<ShipmentCreatedData>('ShipmentCreated', {
    shipmentId: 'string',
    orderId: 'string',
    occurredAt: 'string',
    carrier: 'string',
    trackingNumber: 'string',
    labelUrl: nullable('string'),
    shippingAddress: shippingAddressSchema(),
  }),
  ShipmentRejected: recordOf<ShipmentRejectedData>(
    'ShipmentRejected',
    {
      shipmentId: 'string',
      orderId: 'string',
      occurredAt: 'string',
      code: 'string',
      reason: 'string',
    },
    'The carrier refused the shipment, for instance an address it cannot serve',
  ),
  ShipmentCancelled: recordOf<ShipmentCancelledData>('ShipmentCancelled', {
    shipmentId: 'string',
    orderId: 'string',
    occurredAt: 'string',
    trackingNumber: 'string',
    reason: nullable('string'),
  }),
};
