import type { DomainCommand } from './envelope.js';
import type { CurrencyCode, OrderLine, PaymentMethod, ShippingAddress } from './values.js';

export type CreateOrder = DomainCommand<
  'CreateOrder',
  {
    orderId: string;
    customerId: string;
    currency: CurrencyCode;
    items: readonly OrderLine[];
    shippingAddress: ShippingAddress;
    paymentMethod: PaymentMethod;
  }
>;

/** `currency` must be the order's: an order has one currency. */
export type AddOrderItem = DomainCommand<
  'AddOrderItem',
  { orderId: string; productId: string; quantity: number; unitPrice: number; currency: CurrencyCode }
>;

export type RemoveOrderItem = DomainCommand<'RemoveOrderItem', { orderId: string; productId: string }>;

export type CancelOrder = DomainCommand<'CancelOrder', { orderId: string; reason?: string | null }>;

/** With `expectedPlanDigest` (see orderPlanDigest), refused once the order's lines or total differ from it. */
export type ConfirmOrder = DomainCommand<
  'ConfirmOrder',
  { orderId: string; paymentId?: string | null; shipmentId?: string | null; expectedPlanDigest?: string }
>;

export type ShipOrder = DomainCommand<
  'ShipOrder',
  { orderId: string; shipmentId: string; trackingNumber?: string | null; carrier?: string | null }
>;

/** Records on the order that payment `paymentId` was captured; produces PaymentProcessed. */
export type RecordPayment = DomainCommand<
  'RecordPayment',
  { orderId: string; paymentId: string; amount: number; currency: CurrencyCode }
>;

export type OrderCommand =
  | CreateOrder
  | AddOrderItem
  | RemoveOrderItem
  | CancelOrder
  | ConfirmOrder
  | ShipOrder
  | RecordPayment;

export type OrderCommandType = OrderCommand['type'];
