import { describe, it } from 'node:test';
import type {
  AddOrderItem,
  CancelOrder,
  ConfirmOrder,
  CreateOrder,
  OrderCreated,
  OrderEvent,
  RecordPayment,
  RemoveOrderItem,
  ShipOrder,
} from '@orderflow/contracts';
import { orderPlanDigest } from '@orderflow/contracts';
import { command, deciderSpec, NOW_ISO } from '../testing/decider-spec.js';
import { orderDecider } from './order.decide.js';

const spec = deciderSpec(orderDecider);
const orderId = 'order-1';
const customerId = 'cust-1';
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const paymentMethod = { type: 'card', token: 'tok_visa' };
const mug = { productId: 'SKU-MUG', quantity: 2, unitPrice: 1250 };
const pot = { productId: 'SKU-POT', quantity: 1, unitPrice: 4999 };
const facts = { orderId, customerId, occurredAt: NOW_ISO };

const createData: CreateOrder['data'] = { orderId, customerId, currency: 'USD', items: [mug, pot], shippingAddress: address, paymentMethod };
const create = (over: Partial<CreateOrder['data']> = {}) => command<CreateOrder>('CreateOrder', { ...createData, ...over });
const addItem = (over: Partial<AddOrderItem['data']> = {}) =>
  command<AddOrderItem>('AddOrderItem', { orderId, productId: 'SKU-CUP', quantity: 3, unitPrice: 500, currency: 'USD', ...over });
const removeItem = (productId: string) => command<RemoveOrderItem>('RemoveOrderItem', { orderId, productId });
const confirm = (over: Partial<ConfirmOrder['data']> = {}) => command<ConfirmOrder>('ConfirmOrder', { orderId, ...over });
const cancel = (reason?: string | null) => command<CancelOrder>('CancelOrder', { orderId, reason });
const ship = (over: Partial<ShipOrder['data']> = {}) =>
  command<ShipOrder>('ShipOrder', { orderId, shipmentId: 'shp-1', trackingNumber: 'TRK-1', carrier: 'dhl', ...over });
const recordPayment = (over: Partial<RecordPayment['data']> = {}) =>
  command<RecordPayment>('RecordPayment', { orderId, paymentId: 'pay-1', amount: 7499, currency: 'USD', ...over });

const created: OrderCreated = {
  type: 'OrderCreated',
  data: { ...facts, currency: 'USD', items: [mug, pot], totalAmount: 7499, shippingAddress: address, paymentMethod },
};
const createdWithOneItem: OrderCreated = { type: 'OrderCreated', data: { ...created.data, items: [mug], totalAmount: 2500 } };
const confirmed: OrderEvent = {
  type: 'OrderConfirmed',
  data: { ...facts, totalAmount: 7499, currency: 'USD', paymentId: 'pay-1', shipmentId: 'shp-1' },
};
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { ...facts, reason: null, previousStatus: 'pending' } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { ...facts, shipmentId: 'shp-1', trackingNumber: 'TRK-1', carrier: 'dhl' } };
/** As recorded before OrderShipped named the carrier. */
const shippedWithoutCarrier: OrderEvent = { type: 'OrderShipped', data: { ...facts, shipmentId: 'shp-1', trackingNumber: 'TRK-1' } };
const paid: OrderEvent = { type: 'PaymentProcessed', data: { ...facts, paymentId: 'pay-1', amount: 7499, currency: 'USD' } };

describe('order decider', () => {
  describe('given no order', () => {
    const given = spec.given([]);

    it('creates it with the computed total', () => given.when(create()).then([created]));

    it('keeps only declared fields of nested input', () =>
      given.when(create({ shippingAddress: { ...address, note: 'x' } as typeof address })).then([created]));

    it('accepts up to 100 items and a zero unit price', () => {
      const items = Array.from({ length: 100 }, (_, i) => ({ productId: `SKU-${i}`, quantity: 1, unitPrice: i === 0 ? 0 : 1 }));
      given.when(create({ items })).then([{ type: 'OrderCreated', data: { ...created.data, items, totalAmount: 99 } }]);
    });

    it('refuses no items', () => given.when(create({ items: [] })).thenThrows('ORDER_NO_ITEMS', 'validation'));
    it('refuses more than 100 items', () => {
      const items = Array.from({ length: 101 }, (_, i) => ({ productId: `SKU-${i}`, quantity: 1, unitPrice: 1 }));
      given.when(create({ items })).thenThrows('ORDER_TOO_MANY_ITEMS', 'validation');
    });
    for (const quantity of [0, -1, 1.5]) {
      it(`refuses quantity ${quantity}`, () =>
        given.when(create({ items: [{ ...mug, quantity }] })).thenThrows('ORDER_INVALID_QUANTITY', 'validation'));
    }
    for (const unitPrice of [-1, 12.5]) {
      it(`refuses unit price ${unitPrice}`, () =>
        given.when(create({ items: [{ ...mug, unitPrice }] })).thenThrows('ORDER_INVALID_UNIT_PRICE', 'validation'));
    }
    it('refuses a bad currency', () => given.when(create({ currency: 'usd' })).thenThrows('ORDER_INVALID_CURRENCY', 'validation'));
    it('refuses the same product on two lines', () =>
      given.when(create({ items: [mug, mug] })).thenThrows('ORDER_DUPLICATE_PRODUCT', 'validation'));
    it('refuses a blank customer id', () => given.when(create({ customerId: ' ' })).thenThrows('ORDER_INVALID_ID', 'validation'));
    it('refuses an address without a country code', () =>
      given.when(create({ shippingAddress: { ...address, country: 'USA' } })).thenThrows('ORDER_INVALID_SHIPPING_ADDRESS', 'validation'));
    it('refuses a payment method without a token', () =>
      given.when(create({ paymentMethod: { type: 'card', token: '' } })).thenThrows('ORDER_INVALID_PAYMENT_METHOD', 'validation'));
    it('refuses a total beyond exact integers', () =>
      given
        .when(create({ items: [{ ...mug, quantity: 2, unitPrice: Number.MAX_SAFE_INTEGER }] }))
        .thenThrows('ORDER_AMOUNT_OUT_OF_RANGE', 'validation'));

    for (const [name, cmd] of [
      ['AddOrderItem', addItem()],
      ['RemoveOrderItem', removeItem('SKU-MUG')],
      ['ConfirmOrder', confirm()],
      ['CancelOrder', cancel()],
      ['ShipOrder', ship()],
      ['RecordPayment', recordPayment()],
    ] as const) {
      it(`refuses ${name} as not found`, () => given.when(cmd).thenThrows('ORDER_NOT_FOUND', 'not_found'));
    }
  });

  describe('given a pending order', () => {
    const given = spec.given([created]);

    it('refuses creating it again', () => given.when(create()).thenThrows('ORDER_ALREADY_EXISTS', 'precondition'));

    describe('adding items', () => {
      it('adds a new product and raises the total', () =>
        given.when(addItem()).then([
          { type: 'OrderItemAdded', data: { ...facts, productId: 'SKU-CUP', quantity: 3, unitPrice: 500, currency: 'USD', totalAmount: 8999 } },
        ]));

      it('adds to the quantity of a product already on the order', () => {
        const added: OrderEvent = {
          type: 'OrderItemAdded',
          data: { ...facts, productId: 'SKU-MUG', quantity: 1, unitPrice: 1250, currency: 'USD', totalAmount: 8749 },
        };
        given.when(addItem({ productId: 'SKU-MUG', quantity: 1, unitPrice: 1250 })).then([added]);
        spec.given([created, added]).when(removeItem('SKU-MUG')).then([
          { type: 'OrderItemRemoved', data: { ...facts, productId: 'SKU-MUG', quantity: 3, unitPrice: 1250, currency: 'USD', totalAmount: 4999 } },
        ]);
      });

      it('refuses another currency', () => given.when(addItem({ currency: 'EUR' })).thenThrows('ORDER_CURRENCY_MISMATCH', 'precondition'));
      it('refuses another price for a product on the order', () =>
        given.when(addItem({ productId: 'SKU-MUG', unitPrice: 999 })).thenThrows('ORDER_ITEM_PRICE_MISMATCH', 'precondition'));
      it('refuses a zero quantity', () => given.when(addItem({ quantity: 0 })).thenThrows('ORDER_INVALID_QUANTITY', 'validation'));
      it('refuses a float price', () => given.when(addItem({ unitPrice: 4.99 })).thenThrows('ORDER_INVALID_UNIT_PRICE', 'validation'));
      it('refuses a 101st item', () => {
        const items = Array.from({ length: 100 }, (_, i) => ({ productId: `SKU-${i}`, quantity: 1, unitPrice: 1 }));
        const full: OrderCreated = { type: 'OrderCreated', data: { ...created.data, items, totalAmount: 100 } };
        spec.given([full]).when(addItem()).thenThrows('ORDER_TOO_MANY_ITEMS', 'precondition');
        spec.given([full]).when(addItem({ productId: 'SKU-7', unitPrice: 1 })).then([
          { type: 'OrderItemAdded', data: { ...facts, productId: 'SKU-7', quantity: 3, unitPrice: 1, currency: 'USD', totalAmount: 103 } },
        ]);
      });
    });

    describe('removing items', () => {
      it('removes the whole line and lowers the total', () =>
        given.when(removeItem('SKU-POT')).then([
          { type: 'OrderItemRemoved', data: { ...facts, ...pot, currency: 'USD', totalAmount: 2500 } },
        ]));
      it('refuses a product not on the order', () =>
        given.when(removeItem('SKU-NONE')).thenThrows('ORDER_ITEM_NOT_FOUND', 'precondition'));
      it('refuses removing the last item', () =>
        spec.given([createdWithOneItem]).when(removeItem('SKU-MUG')).thenThrows('ORDER_LAST_ITEM', 'precondition'));
      it('refuses the last item even after others were removed', () => {
        const removed: OrderEvent = { type: 'OrderItemRemoved', data: { ...facts, ...pot, currency: 'USD', totalAmount: 2500 } };
        spec.given([created, removed]).when(removeItem('SKU-MUG')).thenThrows('ORDER_LAST_ITEM', 'precondition');
      });
    });

    it('confirms it with the ids the saga secured', () =>
      given.when(confirm({ paymentId: 'pay-1', shipmentId: 'shp-1' })).then([confirmed]));
    describe('confirming the order its saga planned', () => {
      const planned = orderPlanDigest({ currency: 'USD', totalAmount: 7499, lines: [pot, mug] });
      const cup: OrderEvent = { type: 'OrderItemAdded', data: { ...facts, productId: 'SKU-CUP', quantity: 3, unitPrice: 500, currency: 'USD', totalAmount: 8999 } };
      const potRemoved: OrderEvent = { type: 'OrderItemRemoved', data: { ...facts, ...pot, currency: 'USD', totalAmount: 2500 } };
      it('confirms it while its lines and total are the planned ones', () =>
        given.when(confirm({ paymentId: 'pay-1', shipmentId: 'shp-1', expectedPlanDigest: planned })).then([confirmed]));
      it('refuses it once an item was added after the plan', () =>
        spec.given([created, cup]).when(confirm({ expectedPlanDigest: planned })).thenThrows('ORDER_CHANGED', 'precondition'));
      it('refuses it once an item was removed after the plan', () =>
        spec.given([created, potRemoved]).when(confirm({ expectedPlanDigest: planned })).thenThrows('ORDER_CHANGED', 'precondition'));
      it('confirms a changed order when no plan is named', () =>
        spec.given([created, cup]).when(confirm()).then([
          { type: 'OrderConfirmed', data: { ...facts, totalAmount: 8999, currency: 'USD', paymentId: null, shipmentId: null } },
        ]));
    });
    it('confirms it without ids', () =>
      given.when(confirm()).then([
        { type: 'OrderConfirmed', data: { ...facts, totalAmount: 7499, currency: 'USD', paymentId: null, shipmentId: null } },
      ]));
    it('cancels it with a reason', () =>
      given.when(cancel('changed my mind')).then([
        { type: 'OrderCancelled', data: { ...facts, reason: 'changed my mind', previousStatus: 'pending' } },
      ]));
    it('cancels it without a reason', () => given.when(cancel()).then([cancelled]));
    it('refuses a blank reason', () => given.when(cancel('  ')).thenThrows('ORDER_INVALID_REASON', 'validation'));
    it('refuses to ship before confirmation', () => given.when(ship()).thenThrows('ORDER_NOT_CONFIRMED', 'precondition'));

    describe('recording payment', () => {
      it('records the payment of the full total', () => given.when(recordPayment()).then([paid]));
      it('refuses another amount', () =>
        given.when(recordPayment({ amount: 7000 })).thenThrows('ORDER_PAYMENT_AMOUNT_MISMATCH', 'precondition'));
      it('refuses another currency', () =>
        given.when(recordPayment({ currency: 'EUR' })).thenThrows('ORDER_CURRENCY_MISMATCH', 'precondition'));
      it('refuses a float amount', () => given.when(recordPayment({ amount: 74.99 })).thenThrows('ORDER_INVALID_AMOUNT', 'validation'));
    });
  });

  describe('given a paid pending order', () => {
    const given = spec.given([created, paid]);
    it('refuses a second payment', () => given.when(recordPayment({ paymentId: 'pay-2' })).thenThrows('ORDER_ALREADY_PAID', 'precondition'));
    it('refuses adding items', () => given.when(addItem()).thenThrows('ORDER_ALREADY_PAID', 'precondition'));
    it('refuses removing items', () => given.when(removeItem('SKU-POT')).thenThrows('ORDER_ALREADY_PAID', 'precondition'));
    it('still confirms', () => given.when(confirm({ paymentId: 'pay-1', shipmentId: 'shp-1' })).then([confirmed]));
  });

  describe('given a confirmed order', () => {
    const given = spec.given([created, confirmed]);
    it('refuses confirming twice', () => given.when(confirm()).thenThrows('ORDER_ALREADY_CONFIRMED', 'precondition'));
    it('refuses adding items', () => given.when(addItem()).thenThrows('ORDER_NOT_PENDING', 'precondition'));
    it('refuses removing items', () => given.when(removeItem('SKU-POT')).thenThrows('ORDER_NOT_PENDING', 'precondition'));
    it('ships it, recording the carrier', () => given.when(ship()).then([shipped]));
    it('ships it without a carrier, recording none', () => {
      const none = { type: 'OrderShipped', data: { ...shippedWithoutCarrier.data, carrier: null } } as const;
      given.when(ship({ carrier: undefined })).then([none]);
      given.when(ship({ carrier: null })).then([none]);
    });
    for (const [name, carrier] of [
      ['an empty', ''],
      ['a blank', '  '],
      ['an over-long', 'x'.repeat(1000)],
    ] as const) {
      it(`refuses ${name} carrier`, () => given.when(ship({ carrier })).thenThrows('ORDER_INVALID_ID', 'validation'));
    }
    it('cancels it, remembering it was confirmed', () =>
      given.when(cancel()).then([{ type: 'OrderCancelled', data: { ...facts, reason: null, previousStatus: 'confirmed' } }]));
    it('records its payment', () => given.when(recordPayment()).then([paid]));
  });

  describe('given a cancelled order', () => {
    const given = spec.given([created, cancelled]);
    it('refuses cancelling twice', () => given.when(cancel()).thenThrows('ORDER_ALREADY_CANCELLED', 'precondition'));
    it('refuses confirming', () => given.when(confirm()).thenThrows('ORDER_CANCELLED', 'precondition'));
    it('refuses shipping', () => given.when(ship()).thenThrows('ORDER_CANCELLED', 'precondition'));
    it('refuses adding items', () => given.when(addItem()).thenThrows('ORDER_NOT_PENDING', 'precondition'));
    it('refuses a payment', () => given.when(recordPayment()).thenThrows('ORDER_CANCELLED', 'precondition'));
  });

  for (const [name, shippedEvent] of [
    ['a shipped order', shipped],
    ['an order shipped before carriers were recorded', shippedWithoutCarrier],
  ] as const) {
    describe(`given ${name}`, () => {
      const given = spec.given([created, confirmed, shippedEvent]);
      it('refuses cancelling', () => given.when(cancel()).thenThrows('ORDER_ALREADY_SHIPPED', 'precondition'));
      it('refuses shipping twice', () => given.when(ship()).thenThrows('ORDER_ALREADY_SHIPPED', 'precondition'));
      it('refuses confirming', () => given.when(confirm()).thenThrows('ORDER_ALREADY_SHIPPED', 'precondition'));
      it('refuses removing items', () => given.when(removeItem('SKU-POT')).thenThrows('ORDER_NOT_PENDING', 'precondition'));
    });
  }
});
