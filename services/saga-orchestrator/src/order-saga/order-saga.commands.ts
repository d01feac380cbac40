import type { CurrencyCode, PaymentMethod, ShippingAddress } from '@orderflow/contracts';

/**
 * What the order saga asks the command service to do. Every command carries a command id
 * derived from the saga and the step (`<sagaId>:<step>`), never from an attempt, so a
 * command resent after a crash or a retry is the same command to the command service's
 * idempotency check.
 */
export type ReservationLine = Readonly<{ productId: string; quantity: number }>;

type SagaCommandOf<Type extends string, Data extends object> = Readonly<{
  type: Type;
  commandId: string;
  correlationId: string;
  data: Readonly<Data>;
}>;

export type ReserveInventoryCommand = SagaCommandOf<'ReserveInventory', { orderId: string; lines: readonly ReservationLine[] }>;
/** Names the products the saga reserved: the order's lines may have changed since. */
export type ReleaseInventoryCommand = SagaCommandOf<
  'ReleaseInventory',
  { orderId: string; productIds: readonly string[]; reason: string }
>;
export type AuthorizePaymentCommand = SagaCommandOf<
  'AuthorizePayment',
  { paymentId: string; orderId: string; amount: number; currency: CurrencyCode; paymentMethod: PaymentMethod }
>;
export type VoidPaymentCommand = SagaCommandOf<'VoidPayment', { paymentId: string; reason: string }>;
export type CreateShipmentCommand = SagaCommandOf<
  'CreateShipment',
  { shipmentId: string; orderId: string; shippingAddress: ShippingAddress }
>;
export type CancelShipmentCommand = SagaCommandOf<'CancelShipment', { shipmentId: string; reason: string }>;
/** `expectedPlanDigest`: the order as reserved and paid for; absent in commands stored before it existed. */
export type ConfirmOrderCommand = SagaCommandOf<'ConfirmOrder', { orderId: string; paymentId: string; shipmentId: string; expectedPlanDigest?: string }>;
export type CancelOrderCommand = SagaCommandOf<'CancelOrder', { orderId: string; reason: string }>;

export type SagaCommand =
  | ReserveInventoryCommand
  | ReleaseInventoryCommand
  | AuthorizePaymentCommand
  | VoidPaymentCommand
  | CreateShipmentCommand
  | CancelShipmentCommand
  | ConfirmOrderCommand
  | CancelOrderCommand;

export type SagaCommandType = SagaCommand['type'];

export const sagaCommandTypes: readonly SagaCommandType[] = [
  'ReserveInventory',
  'ReleaseInventory',
  'AuthorizePayment',
  'VoidPayment',
  'CreateShipment',
  'CancelShipment',
  'ConfirmOrder',
  'CancelOrder',
];
