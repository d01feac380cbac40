import type {
  AddOrderItem,
  CancelOrder,
  ConfirmOrder,
  CreateOrder,
  OrderLine,
  PaymentMethod,
  RecordPayment,
  RemoveOrderItem,
  ShipOrder,
  ShippingAddress,
} from '@orderflow/contracts';
import { orderAggregate } from '../commands/aggregates.js';
import { newAggregateId } from '../commands/aggregate-ids.js';
import { domainCommand, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-response.js';
import type { CommandRuntime } from '../commands/command-runtime.js';
import { runStreamCommand } from '../commands/stream-command.js';
import type { OrderState } from './order.decide.js';

export type CreateOrderInput = Readonly<{
  customerId: string;
  currency: string;
  items: readonly OrderLine[];
  shippingAddress: ShippingAddress;
  paymentMethod: PaymentMethod;
}>;

/** `currency` may be left out: the order's own. */
export type AddOrderItemInput = Readonly<{ orderId: string; productId: string; quantity: number; unitPrice: number; currency?: string }>;
export type RemoveOrderItemInput = Readonly<{ orderId: string; productId: string }>;
export type CancelOrderInput = Readonly<{ orderId: string; reason?: string | null }>;
/** `expectedPlanDigest`: the order as its saga planned it (orderPlanDigest); confirming a changed order is refused. */
export type ConfirmOrderInput = Readonly<{ orderId: string; paymentId?: string | null; shipmentId?: string | null; expectedPlanDigest?: string }>;
/** `shipmentId` may be left out: the shipment the order was confirmed with, else a new id. */
export type ShipOrderInput = Readonly<{
  orderId: string;
  shipmentId?: string | null;
  trackingNumber?: string | null;
  carrier?: string | null;
}>;
/** `paymentId` may be left out: the payment the order was confirmed with, else a new id. */
export type RecordPaymentInput = Readonly<{ orderId: string; paymentId?: string | null; amount: number; currency: string }>;

type Handler<I> = (input: I, ctx: CommandContext) => Promise<CommandResult>;

export type OrderUseCases = Readonly<{
  createOrder: Handler<CreateOrderInput>;
  addOrderItem: Handler<AddOrderItemInput>;
  removeOrderItem: Handler<RemoveOrderItemInput>;
  cancelOrder: Handler<CancelOrderInput>;
  confirmOrder: Handler<ConfirmOrderInput>;
  shipOrder: Handler<ShipOrderInput>;
  recordPayment: Handler<RecordPaymentInput>;
}>;

const kind = orderAggregate;

/** ISO 4217 "no currency": lets a command for an order that does not exist reach the not-found check. */
const NO_CURRENCY = 'XXX';

export function orderUseCases(rt: CommandRuntime): OrderUseCases {
  return {
    createOrder(input, ctx) {
      const orderId = newAggregateId('order', ctx, rt.clock);
      const command: CreateOrder = domainCommand('CreateOrder', { orderId, ...input }, ctx);
      // A fresh id, or one derived from a key never used (a used key is answered by the
      // append's idempotency check first): the stream cannot exist, so nothing is read.
      return runStreamCommand(rt, { kind, aggregateId: orderId, command, current: 'new' }, ctx);
    },
    addOrderItem(input, ctx) {
      const command: AddOrderItem = domainCommand('AddOrderItem', { ...input, currency: input.currency ?? NO_CURRENCY }, ctx);
      return runStreamCommand(
        rt,
        {
          kind,
          aggregateId: input.orderId,
          command,
          complete: (c: AddOrderItem, order: OrderState) =>
            input.currency !== undefined ? c : { ...c, data: { ...c.data, currency: order.status === 'none' ? NO_CURRENCY : order.currency } },
        },
        ctx,
      );
    },
    removeOrderItem(input, ctx) {
      const command: RemoveOrderItem = domainCommand('RemoveOrderItem', input, ctx);
      return runStreamCommand(rt, { kind, aggregateId: input.orderId, command }, ctx);
    },
    cancelOrder(input, ctx) {
      const command: CancelOrder = domainCommand('CancelOrder', input, ctx);
      return runStreamCommand(rt, { kind, aggregateId: input.orderId, command }, ctx);
    },
    confirmOrder(input, ctx) {
      const command: ConfirmOrder = domainCommand('ConfirmOrder', input, ctx);
      return runStreamCommand(rt, { kind, aggregateId: input.orderId, command }, ctx);
    },
    shipOrder(input, ctx) {
      const fallback = newAggregateId('shipment', ctx, rt.clock);
      const command: ShipOrder = domainCommand('ShipOrder', { ...input, shipmentId: input.shipmentId ?? fallback }, ctx);
      // an order confirmed by the saga already names its shipment
      const complete = (c: ShipOrder, order: OrderState): ShipOrder =>
        input.shipmentId == null && order.status !== 'none' && order.shipmentId !== null
          ? { ...c, data: { ...c.data, shipmentId: order.shipmentId } }
          : c;
      return runStreamCommand(rt, { kind, aggregateId: input.orderId, command, complete }, ctx);
    },
    recordPayment(input, ctx) {
      const fallback = newAggregateId('payment', ctx, rt.clock);
      const command: RecordPayment = domainCommand('RecordPayment', { ...input, paymentId: input.paymentId ?? fallback }, ctx);
      const complete = (c: RecordPayment, order: OrderState): RecordPayment =>
        input.paymentId == null && order.status !== 'none' && order.paymentId !== null
          ? { ...c, data: { ...c.data, paymentId: order.paymentId } }
          : c;
      return runStreamCommand(rt, { kind, aggregateId: input.orderId, command, complete }, ctx);
    },
  };
}
