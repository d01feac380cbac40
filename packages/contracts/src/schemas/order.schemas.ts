import type {
  OrderCancelledData,
  OrderConfirmedData,
  OrderCreatedData,
  OrderItemAddedData,
  OrderItemRemovedData,
  OrderShippedData,
  PaymentProcessedData,
} from '../order.events.js';
import { nullable, recordOf } from './avro-schema.js';
import { orderLinesSchema, paymentMethodSchema, shippingAddressSchema } from './value.schemas.js';

export const orderEventSchemas = {
  OrderCreated: recordOf<OrderCreatedData>('OrderCreated', {
    orderId: 'string',
    customerId: 'string',
    occurredAt: 'string',
    currency: 'string',
    items: orderLinesSchema(),
    totalAmount: 'long',
    shippingAddress: shippingAddressSchema(),
    paymentMethod: paymentMethodSchema(),
  }),
  OrderItemAdded: recordOf<OrderItemAddedData>('OrderItemAdded', {
    orderId: 'string',
    customerId: 'string',
    occurredAt: 'string',
    productId: 'string',
    quantity: 'long',
    unitPrice: 'long',
    currency: 'string',
    totalAmount: 'long',
  }),
  OrderItemRemoved: recordOf<OrderItemRemovedData>('OrderItemRemoved', {
    orderId: 'string',
    customerId: 'string',
    occurredAt: 'string',
    productId: 'string',
    quantity: 'long',
    unitPrice: 'long',
    currency: 'string',
    totalAmount: 'long',
  }),
  OrderConfirmed: recordOf<OrderConfirmedData>('OrderConfirmed', {
    orderId: 'string',
    customerId: 'string',
    occurredAt: 'string',
    totalAmount: 'long',
    currency: 'string',
    paymentId: nullable('string'),
    shipmentId: nullable('string'),
  }),
  OrderCancelled: recordOf<OrderCancelledData>('OrderCancelled', {
    orderId: 'string',
    customerId: 'string',
    occurredAt: 'string',
    reason: nullable('string'),
    previousStatus: 'string',
  }),
  OrderShipped: recordOf<OrderShippedData>('OrderShipped', {
    orderId: 'string',
    customerId: 'string',
    occurredAt: 'string',
    shipmentId: 'string',
    trackingNumber: nullable('string'),
    // added after the first events were written: default null keeps it BACKWARD compatible
    carrier: nullable('string'),
  }),
  PaymentProcessed: recordOf<PaymentProcessedData>(
    'PaymentProcessed',
    {
      orderId: 'string',
      customerId: 'string',
      occurredAt: 'string',
      paymentId: 'string',
      amount: 'long',
      currency: 'string',
    },
    'The order records that its payment was captured',
  ),
};
