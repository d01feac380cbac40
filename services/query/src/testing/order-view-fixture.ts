import type { OrderView } from '../orders/order-view.js';

/** A paid two-item order at version 3, with no address, payment or shipment summary. */
export const orderViewFixture: OrderView = {
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'PAID',
  currency: 'EUR',
  totalAmount: 2500,
  itemCount: 2,
  items: [{ productId: 'sku-1', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
  shippingAddress: null,
  payment: null,
  shipment: null,
  cancellationReason: null,
  version: 3,
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T10:05:00.000Z',
};
