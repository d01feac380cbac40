import type { OrderLine, PaymentMethod, ShippingAddress } from '../values.js';
import { arrayOf, recordOf, type AvroArraySchema, type AvroRecordSchema } from './avro-schema.js';

// Each event schema is registered on its own, so it embeds the named types it uses.

export const orderLinesSchema = (): AvroArraySchema<OrderLine> =>
  arrayOf<OrderLine>(
    recordOf<OrderLine>('OrderLine', { productId: 'string', quantity: 'long', unitPrice: 'long' }, 'unitPrice in minor units'),
  );

export const shippingAddressSchema = (): AvroRecordSchema<ShippingAddress> =>
  recordOf<ShippingAddress>(
    'ShippingAddress',
    { line1: 'string', city: 'string', postalCode: 'string', country: 'string' },
    'country is ISO 3166-1 alpha-2',
  );

export const paymentMethodSchema = (): AvroRecordSchema<PaymentMethod> =>
  recordOf<PaymentMethod>('PaymentMethod', { type: 'string', token: 'string' });
