import type { DomainEvent } from './envelope.js';
import type { CurrencyCode, IsoTimestamp, OrderLine, PaymentMethod, ShippingAddress } from './values.js';

/** Every Order event carries `orderId` and `customerId`, so per-customer read models need no lookup. */
type OrderFacts = Readonly<{ orderId: string; customerId: string; occurredAt: IsoTimestamp }>;

export type OrderCreatedData = OrderFacts &
  Readonly<{
    currency: CurrencyCode;
    items: readonly OrderLine[];
    /** Sum of quantity x unitPrice, minor units. */
    totalAmount: number;
    shippingAddress: ShippingAddress;
    paymentMethod: PaymentMethod;
  }>;

/** Adding a product already on the order raises that line's quantity. */
export type OrderItemAddedData = OrderFacts &
  Readonly<{
    productId: string;
    quantity: number;
    unitPrice: number;
    currency: CurrencyCode;
    /** Order total after the addition. */
    totalAmount: number;
  }>;

/** The whole line goes; `quantity` is what the line held. */
export type OrderItemRemovedData = OrderFacts &
  Readonly<{
    productId: string;
    quantity: number;
    unitPrice: number;
    currency: CurrencyCode;
    /** Order total after the removal. */
    totalAmount: number;
  }>;

export type OrderConfirmedData = OrderFacts &
  Readonly<{
    totalAmount: number;
    currency: CurrencyCode;
    /** The payment and shipment the saga secured, when the order was confirmed by it. */
    paymentId: string | null;
    shipmentId: string | null;
  }>;

export type OrderCancelledData = OrderFacts &
  Readonly<{
    reason: string | null;
    /** `pending` or `confirmed`: analytics tell abandoned carts from cancelled sales. */
    previousStatus: string;
  }>;

export type OrderShippedData = OrderFacts &
  Readonly<{
    shipmentId: string;
    trackingNumber: string | null;
    /**
     * The carrier that took the shipment. Optional because events recorded before the field
     * existed lack it; readers treat a missing value as null.
     */
    carrier?: string | null;
  }>;

/**
 * PaymentProcessed is the Order stream's record that money for this order was taken:
 * the payment `paymentId` was captured (through `POST /api/v1/payments` or the saga) and
 * the order now counts as paid. The Payment stream holds the gateway's side of the story
 * (PaymentAuthorized, PaymentCaptured); this event lets order read models and analytics
 * see "paid" without joining streams. It is recorded at most once per order.
 */
export type PaymentProcessedData = OrderFacts &
  Readonly<{
    paymentId: string;
    amount: number;
    currency: CurrencyCode;
  }>;

export type OrderCreated = DomainEvent<'OrderCreated', OrderCreatedData>;
export type OrderItemAdded = DomainEvent<'OrderItemAdded', OrderItemAddedData>;
export type OrderItemRemoved = DomainEvent<'OrderItemRemoved', OrderItemRemovedData>;
export type OrderConfirmed = DomainEvent<'OrderConfirmed', OrderConfirmedData>;
export type OrderCancelled = DomainEvent<'OrderCancelled', OrderCancelledData>;
export type OrderShipped = DomainEvent<'OrderShipped', OrderShippedData>;
export type PaymentProcessed = DomainEvent<'PaymentProcessed', PaymentProcessedData>;

export type OrderEvent =
  | OrderCreated
  | OrderItemAdded
  | OrderItemRemoved
  | OrderConfirmed
  | OrderCancelled
  | OrderShipped
  | PaymentProcessed;

export type OrderEventType = OrderEvent['type'];
