import type { EventOfType, EventType } from '../events.js';

/**
 * One realistic event per type, for schema round trips and for consumers' tests
 * (projections, saga). Nullable fields are set on some and null on others so both
 * branches of each `["null", T]` union get exercised.
 */
export type EventFixtures = { readonly [T in EventType]: EventOfType<T> };

const at = '2025-03-01T10:15:30.000Z';
const orderId = '5f0c7a52-3d1e-4c1b-9f2e-8a1d2b3c4d5e';
const customerId = 'cust-42';
const paymentId = 'pay-7d4c';
const shipmentId = 'shp-19aa';
const productId = 'SKU-RED-MUG';
const address = { line1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };

export const eventFixtures: EventFixtures = {
  OrderCreated: {
    type: 'OrderCreated',
    data: {
      orderId,
      customerId,
      occurredAt: at,
      currency: 'EUR',
      items: [
        { productId, quantity: 2, unitPrice: 1250 },
        { productId: 'SKU-TEAPOT', quantity: 1, unitPrice: 4999 },
      ],
      totalAmount: 7499,
      shippingAddress: address,
      paymentMethod: { type: 'card', token: 'tok_visa' },
    },
  },
  OrderItemAdded: {
    type: 'OrderItemAdded',
    data: { orderId, customerId, occurredAt: at, productId, quantity: 1, unitPrice: 1250, currency: 'EUR', totalAmount: 8749 },
  },
  OrderItemRemoved: {
    type: 'OrderItemRemoved',
    data: { orderId, customerId, occurredAt: at, productId: 'SKU-TEAPOT', quantity: 1, unitPrice: 4999, currency: 'EUR', totalAmount: 3750 },
  },
  OrderConfirmed: {
    type: 'OrderConfirmed',
    data: { orderId, customerId, occurredAt: at, totalAmount: 7499, currency: 'EUR', paymentId, shipmentId: null },
  },
  OrderCancelled: {
    type: 'OrderCancelled',
    data: { orderId, customerId, occurredAt: at, reason: 'customer changed their mind', previousStatus: 'pending' },
  },
  OrderShipped: {
    type: 'OrderShipped',
    data: { orderId, customerId, occurredAt: at, shipmentId, trackingNumber: null, carrier: 'sim' },
  },
  PaymentProcessed: {
    type: 'PaymentProcessed',
    data: { orderId, customerId, occurredAt: at, paymentId, amount: 7499, currency: 'EUR' },
  },
  StockReplenished: {
    type: 'StockReplenished',
    data: { productId, availableQuantity: 120, occurredAt: at, quantity: 100 },
  },
  InventoryReserved: {
    type: 'InventoryReserved',
    data: { productId, availableQuantity: 118, occurredAt: at, orderId, quantity: 2 },
  },
  InventoryReservationFailed: {
    type: 'InventoryReservationFailed',
    data: { productId, availableQuantity: 1, occurredAt: at, orderId, requestedQuantity: 2, reason: 'INSUFFICIENT_STOCK' },
  },
  InventoryReleased: {
    type: 'InventoryReleased',
    data: { productId, availableQuantity: 120, occurredAt: at, orderId, quantity: 2, reason: null },
  },
  PaymentAuthorized: {
    type: 'PaymentAuthorized',
    data: {
      paymentId,
      orderId,
      amount: 7499,
      currency: 'EUR',
      occurredAt: at,
      methodType: 'card',
      authorizationCode: 'A1B2C3',
      gatewayReference: 'auth_pay-7d4c',
    },
  },
  PaymentDeclined: {
    type: 'PaymentDeclined',
    data: {
      paymentId,
      orderId,
      amount: 7499,
      currency: 'EUR',
      occurredAt: at,
      methodType: 'card',
      declineCode: 'card_declined',
      reason: 'the card was declined',
    },
  },
  PaymentCaptured: {
    type: 'PaymentCaptured',
    data: { paymentId, orderId, amount: 7499, currency: 'EUR', occurredAt: at, captureReference: 'cap_pay-7d4c' },
  },
  PaymentVoided: {
    type: 'PaymentVoided',
    data: { paymentId, orderId, amount: 7499, currency: 'EUR', occurredAt: at, reason: 'order saga compensation', voidReference: null },
  },
  PaymentRefunded: {
    type: 'PaymentRefunded',
    data: { paymentId, orderId, amount: 2500, currency: 'EUR', occurredAt: at, reason: null, refundReference: 'ref_pay-7d4c' },
  },
  ShipmentCreated: {
    type: 'ShipmentCreated',
    data: {
      shipmentId,
      orderId,
      occurredAt: at,
      carrier: 'simulated-carrier',
      trackingNumber: 'SIM-shp-19aa',
      labelUrl: 'https://labels.example/shp-19aa.pdf',
      shippingAddress: address,
    },
  },
  ShipmentRejected: {
    type: 'ShipmentRejected',
    data: { shipmentId, orderId, occurredAt: at, code: 'ADDRESS_NOT_SERVICEABLE', reason: 'the carrier does not ship to XX' },
  },
  ShipmentCancelled: {
    type: 'ShipmentCancelled',
    data: { shipmentId, orderId, occurredAt: at, trackingNumber: 'SIM-shp-19aa', reason: 'order saga compensation' },
  },
};
