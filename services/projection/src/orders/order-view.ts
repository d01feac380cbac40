import type { ShippingAddress } from '@orderflow/contracts';

export type OrderStatus = 'PENDING' | 'PAID' | 'CONFIRMED' | 'SHIPPED' | 'CANCELLED';
export type PaymentStatus = 'AUTHORIZED' | 'DECLINED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED';
export type ShipmentStatus = 'CREATED' | 'REJECTED' | 'CANCELLED';

export type OrderLineView = Readonly<{ productId: string; quantity: number; unitPrice: number; lineTotal: number }>;
export type PaymentSummary = Readonly<{ paymentId: string; status: PaymentStatus; amount: number }>;
export type ShipmentSummary = Readonly<{ shipmentId: string; carrier: string | null; trackingNumber: string | null }>;

/** One row of order_views. Instants are ISO strings; amounts are minor units. */
export type OrderView = Readonly<{
  orderId: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  totalAmount: number;
  itemCount: number;
  items: readonly OrderLineView[];
  shippingAddress: ShippingAddress | null;
  payment: PaymentSummary | null;
  shipment: ShipmentSummary | null;
  cancellationReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The payment and shipment the order's own events named; the summaries above follow them. */
  paymentId: string | null;
  shipmentId: string | null;
  /** What OrderShipped recorded; null before it, and on events recorded before it named a carrier. */
  shippedTrackingNumber: string | null;
  shippedCarrier: string | null;
}>;

/** What a Payment stream has said about one payment (order_view_payments). */
export type PaymentFact = Readonly<{
  paymentId: string;
  orderId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  occurredAt: string;
}>;

/** What a Shipment stream has said about one shipment (order_view_shipments). */
export type ShipmentFact = Readonly<{
  shipmentId: string;
  orderId: string;
  status: ShipmentStatus;
  carrier: string | null;
  trackingNumber: string | null;
  occurredAt: string;
}>;

/**
 * The order detail as the query service returns it in `data`, plus `version` and
 * `updatedAt`; the Redis key `order:view:<orderId>` holds exactly this JSON.
 */
export type OrderDetail = Readonly<{
  orderId: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  totalAmount: number;
  itemCount: number;
  items: readonly OrderLineView[];
  shippingAddress: ShippingAddress | null;
  payment: PaymentSummary | null;
  shipment: ShipmentSummary | null;
  cancellationReason: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}>;

export const toOrderDetail = (v: OrderView): OrderDetail => ({
  orderId: v.orderId,
  customerId: v.customerId,
  status: v.status,
  currency: v.currency,
  totalAmount: v.totalAmount,
  itemCount: v.itemCount,
  items: v.items,
  shippingAddress: v.shippingAddress,
  payment: v.payment,
  shipment: v.shipment,
  cancellationReason: v.cancellationReason,
  createdAt: v.createdAt,
  updatedAt: v.updatedAt,
  version: v.version,
});
