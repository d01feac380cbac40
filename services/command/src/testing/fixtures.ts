import type { CreateOrderInput } from '../orders/order.use-cases.js';

export const address = { line1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
export const card = { type: 'card', token: 'tok_visa' };

export const createOrderInput = (over: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  customerId: 'cust-1',
  currency: 'EUR',
  items: [{ productId: 'sku-mug', quantity: 2, unitPrice: 1250 }],
  shippingAddress: address,
  paymentMethod: card,
  ...over,
});

/** The JSON body of POST /api/v1/orders. */
export const createOrderBody = (over: Record<string, unknown> = {}) => ({ ...createOrderInput(), ...over });
