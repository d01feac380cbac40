import {
  assertNever,
  copyPaymentMethod,
  copyShippingAddress,
  isMinorUnits,
  Limits,
  orderPlanDigest,
  type AddOrderItem,
  type CancelOrder,
  type ConfirmOrder,
  type CreateOrder,
  type Decider,
  type OrderCommand,
  type OrderEvent,
  type OrderLine,
  type RecordPayment,
  type RemoveOrderItem,
  type ShipOrder,
} from '@orderflow/contracts';
import { notFound, precondition, validation } from '@orderflow/platform/errors';
import {
  optionalId,
  optionalReason,
  orderTotal,
  requireCurrency,
  requireId,
  requireLine,
  validateCreateOrder,
} from './order.validate.js';

export type OrderStatus = 'pending' | 'confirmed' | 'cancelled' | 'shipped';

export type Order = Readonly<{
  status: OrderStatus;
  orderId: string;
  customerId: string;
  currency: string;
  items: readonly OrderLine[];
  totalAmount: number;
  paymentId: string | null;
  shipmentId: string | null;
  /** Set by PaymentProcessed; a paid order's items are frozen. */
  paid: boolean;
}>;

/** Plain JSON-shaped data, so a snapshot is the state as is. */
export type OrderState = Readonly<{ status: 'none' }> | Order;

export const initialState = (): OrderState => ({ status: 'none' });

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderCreated') {
    const d = event.data;
    return {
      status: 'pending',
      orderId: d.orderId,
      customerId: d.customerId,
      currency: d.currency,
      items: d.items,
      totalAmount: d.totalAmount,
      paymentId: null,
      shipmentId: null,
      paid: false,
    };
  }
  // Events are facts: evolve never refuses one, and an event before OrderCreated cannot occur.
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'OrderItemAdded':
      return { ...state, items: withAddedLine(state.items, event.data), totalAmount: event.data.totalAmount };
    case 'OrderItemRemoved':
      return {
        ...state,
        items: state.items.filter((l) => l.productId !== event.data.productId),
        totalAmount: event.data.totalAmount,
      };
    case 'OrderConfirmed':
      return {
        ...state,
        status: 'confirmed',
        paymentId: event.data.paymentId ?? state.paymentId,
        shipmentId: event.data.shipmentId ?? state.shipmentId,
      };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled' };
    case 'OrderShipped':
      return { ...state, status: 'shipped', shipmentId: event.data.shipmentId };
    case 'PaymentProcessed':
      return { ...state, paid: true, paymentId: event.data.paymentId };
    default:
      return assertNever(event, 'order event');
  }
}

function withAddedLine(items: readonly OrderLine[], added: OrderLine): readonly OrderLine[] {
  const existing = items.find((l) => l.productId === added.productId);
  if (!existing) return [...items, { productId: added.productId, quantity: added.quantity, unitPrice: added.unitPrice }];
  return items.map((l) => (l === existing ? { ...l, quantity: l.quantity + added.quantity } : l));
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'CreateOrder':
      return createOrder(command, state);
    case 'AddOrderItem':
      return addItem(command, state);
    case 'RemoveOrderItem':
      return removeItem(command, state);
    case 'ConfirmOrder':
      return confirm(command, state);
    case 'CancelOrder':
      return cancel(command, state);
    case 'ShipOrder':
      return ship(command, state);
    case 'RecordPayment':
      return recordPayment(command, state);
    default:
      return assertNever(command, 'order command');
  }
}

export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = { initialState, evolve, decide };

function requireOrder(state: OrderState, orderId: string): Order {
  if (state.status === 'none') throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`, { orderId });
  return state;
}

const refuse = (code: string, order: Order, message: string) =>
  precondition(code, `order ${order.orderId} ${message}`, { orderId: order.orderId, orderStatus: order.status });

/** Items change only while the order is pending and unpaid. */
function requireEditable(order: Order): void {
  if (order.status !== 'pending') throw refuse('ORDER_NOT_PENDING', order, `is ${order.status}; its items can no longer change`);
  if (order.paid) throw refuse('ORDER_ALREADY_PAID', order, 'is paid; its items can no longer change');
}

function createOrder({ data, metadata }: CreateOrder, state: OrderState): OrderEvent[] {
  const items = validateCreateOrder(data);
  if (state.status !== 'none') throw precondition('ORDER_ALREADY_EXISTS', `order ${data.orderId} already exists`, { orderId: data.orderId });
  return [
    {
      type: 'OrderCreated',
      data: {
        orderId: data.orderId,
        customerId: data.customerId,
        occurredAt: metadata.now.toISOString(),
        currency: data.currency,
        items,
        totalAmount: orderTotal(items, data.currency),
        shippingAddress: copyShippingAddress(data.shippingAddress),
        paymentMethod: copyPaymentMethod(data.paymentMethod),
      },
    },
  ];
}

function addItem({ data, metadata }: AddOrderItem, state: OrderState): OrderEvent[] {
  requireId(data.orderId, 'orderId');
  const line = requireLine(data);
  const currency = requireCurrency(data.currency);
  const order = requireOrder(state, data.orderId);
  requireEditable(order);
  if (currency !== order.currency) throw refuse('ORDER_CURRENCY_MISMATCH', order, `is in ${order.currency}, not ${currency}`);
  const existing = order.items.find((l) => l.productId === line.productId);
  if (existing && existing.unitPrice !== line.unitPrice) {
    throw refuse('ORDER_ITEM_PRICE_MISMATCH', order, `already has ${line.productId} at ${existing.unitPrice}`);
  }
  if (!existing && order.items.length >= Limits.maxOrderLines) {
    throw refuse('ORDER_TOO_MANY_ITEMS', order, `already holds ${Limits.maxOrderLines} items`);
  }
  const items = withAddedLine(order.items, line);
  if (items.some((l) => !Number.isSafeInteger(l.quantity))) throw validation('ORDER_INVALID_QUANTITY', 'line quantity is out of range');
  return [
    {
      type: 'OrderItemAdded',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        occurredAt: metadata.now.toISOString(),
        ...line,
        currency,
        totalAmount: orderTotal(items, currency),
      },
    },
  ];
}

function removeItem({ data, metadata }: RemoveOrderItem, state: OrderState): OrderEvent[] {
  requireId(data.orderId, 'orderId');
  const productId = requireId(data.productId, 'productId');
  const order = requireOrder(state, data.orderId);
  requireEditable(order);
  const line = order.items.find((l) => l.productId === productId);
  if (!line) throw refuse('ORDER_ITEM_NOT_FOUND', order, `has no item ${productId}`);
  if (order.items.length === 1) throw refuse('ORDER_LAST_ITEM', order, 'would be left without items; cancel it instead');
  return [
    {
      type: 'OrderItemRemoved',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        occurredAt: metadata.now.toISOString(),
        ...line,
        currency: order.currency,
        totalAmount: order.totalAmount - line.quantity * line.unitPrice,
      },
    },
  ];
}

function confirm({ data, metadata }: ConfirmOrder, state: OrderState): OrderEvent[] {
  requireId(data.orderId, 'orderId');
  const paymentId = optionalId(data.paymentId, 'paymentId');
  const shipmentId = optionalId(data.shipmentId, 'shipmentId');
  const order = requireOrder(state, data.orderId);
  if (order.status === 'confirmed') throw refuse('ORDER_ALREADY_CONFIRMED', order, 'is already confirmed');
  if (order.status === 'cancelled') throw refuse('ORDER_CANCELLED', order, 'is cancelled and cannot be confirmed');
  if (order.status === 'shipped') throw refuse('ORDER_ALREADY_SHIPPED', order, 'is already shipped');
  if (data.expectedPlanDigest !== undefined && data.expectedPlanDigest !== orderPlanDigest({ ...order, lines: order.items })) {
    throw refuse('ORDER_CHANGED', order, 'changed after its stock was reserved and its payment taken; it cannot be confirmed as it is');
  }
  return [
    {
      type: 'OrderConfirmed',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        occurredAt: metadata.now.toISOString(),
        totalAmount: order.totalAmount,
        currency: order.currency,
        paymentId,
        shipmentId,
      },
    },
  ];
}

function cancel({ data, metadata }: CancelOrder, state: OrderState): OrderEvent[] {
  requireId(data.orderId, 'orderId');
  const reason = optionalReason(data.reason);
  const order = requireOrder(state, data.orderId);
  if (order.status === 'cancelled') throw refuse('ORDER_ALREADY_CANCELLED', order, 'is already cancelled');
  if (order.status === 'shipped') throw refuse('ORDER_ALREADY_SHIPPED', order, 'is shipped and cannot be cancelled');
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        occurredAt: metadata.now.toISOString(),
        reason,
        previousStatus: order.status,
      },
    },
  ];
}

function ship({ data, metadata }: ShipOrder, state: OrderState): OrderEvent[] {
  requireId(data.orderId, 'orderId');
  const shipmentId = requireId(data.shipmentId, 'shipmentId');
  const trackingNumber = optionalId(data.trackingNumber, 'trackingNumber');
  const carrier = optionalId(data.carrier, 'carrier');
  const order = requireOrder(state, data.orderId);
  if (order.status === 'pending') throw refuse('ORDER_NOT_CONFIRMED', order, 'must be confirmed before it ships');
  if (order.status === 'cancelled') throw refuse('ORDER_CANCELLED', order, 'is cancelled and cannot be shipped');
  if (order.status === 'shipped') throw refuse('ORDER_ALREADY_SHIPPED', order, 'is already shipped');
  return [
    {
      type: 'OrderShipped',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        occurredAt: metadata.now.toISOString(),
        shipmentId,
        trackingNumber,
        carrier,
      },
    },
  ];
}

function recordPayment({ data, metadata }: RecordPayment, state: OrderState): OrderEvent[] {
  requireId(data.orderId, 'orderId');
  const paymentId = requireId(data.paymentId, 'paymentId');
  const currency = requireCurrency(data.currency);
  if (!isMinorUnits(data.amount)) throw validation('ORDER_INVALID_AMOUNT', 'amount must be a non-negative integer in minor units');
  const order = requireOrder(state, data.orderId);
  if (order.status === 'cancelled') throw refuse('ORDER_CANCELLED', order, 'is cancelled and cannot take a payment');
  if (order.paid) throw refuse('ORDER_ALREADY_PAID', order, `is already paid by ${order.paymentId ?? 'another payment'}`);
  if (currency !== order.currency) throw refuse('ORDER_CURRENCY_MISMATCH', order, `is in ${order.currency}, not ${currency}`);
  if (data.amount !== order.totalAmount) {
    throw refuse('ORDER_PAYMENT_AMOUNT_MISMATCH', order, `totals ${order.totalAmount}, not ${data.amount}`);
  }
  return [
    {
      type: 'PaymentProcessed',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        occurredAt: metadata.now.toISOString(),
        paymentId,
        amount: data.amount,
        currency,
      },
    },
  ];
}
