import type { AnyEvent, OrderCreatedData } from '@orderflow/contracts';
import { AppError } from '@orderflow/platform/errors';
import type { CommandCall, CommandGateway } from '../dispatch/command-gateway.js';
import type { SagaCommandType } from '../order-saga/order-saga.commands.js';
import type { Publish } from './kafka-kit.js';

/**
 * An in-process stand-in for the command service behind the saga's port: it answers
 * commands and publishes their result events to Kafka, with deterministic rules a test
 * picks through the order's data:
 * - a product id starting `SHORT-` is out of stock (nothing of the order is reserved);
 * - a product id starting `MUTE-` is accepted but no event ever comes (the step times out);
 * - card token `tok_declined` is declined; `tok_flaky` fails twice with UNAVAILABLE, then
 *   works; `tok_down` always fails with UNAVAILABLE; `tok_void_fails` authorizes but its
 *   void always fails with UNAVAILABLE;
 * - country `XX` cannot be shipped to.
 * Like the real service, a command id it accepted before is answered without new events.
 */
export type FakeCall = Readonly<{ type: SagaCommandType; commandId: string; ok: boolean }>;

const unavailable = () => new AppError('unavailable', 'GATEWAY_UNAVAILABLE', 'the simulated gateway is down');

export type FakeOptions = Readonly<{ /** Command types that fail with UNAVAILABLE whatever their data. */ down?: readonly SagaCommandType[] }>;

export function createFakeCommandService(publish: Publish, options: FakeOptions = {}) {
  const calls: FakeCall[] = [];
  const accepted = new Set<string>();
  const attempts = new Map<string, number>();
  const orders = new Map<string, OrderCreatedData>();
  const payments = new Map<string, { orderId: string; amount: number; currency: string; token: string }>();
  const at = () => new Date().toISOString();
  const order = (orderId: string) => {
    const o = orders.get(orderId);
    if (!o) throw new AppError('not_found', 'ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    return o;
  };

  /** Runs `work` once per command id, recording the call; `fail` decides a transient failure first. */
  async function handle(type: SagaCommandType, call: CommandCall, work: () => AnyEvent[], fail?: (attempt: number) => boolean) {
    const attempt = (attempts.get(call.commandId) ?? 0) + 1;
    attempts.set(call.commandId, attempt);
    const record = (ok: boolean) => calls.push({ type, commandId: call.commandId, ok });
    if (options.down?.includes(type) || fail?.(attempt)) {
      record(false);
      throw unavailable();
    }
    if (accepted.has(call.commandId)) return void record(true);
    let events: AnyEvent[];
    try {
      events = work();
    } catch (e) {
      record(false);
      throw e;
    }
    accepted.add(call.commandId);
    record(true);
    for (const event of events) await publish(event, { correlationId: call.correlationId });
  }

  const gateway: CommandGateway = {
    reserveInventory: (d, call) =>
      handle('ReserveInventory', call, () => {
        if (d.lines.some((l) => l.productId.startsWith('MUTE-'))) return [];
        const short = d.lines.filter((l) => l.productId.startsWith('SHORT-'));
        if (short.length > 0) {
          return short.map((l) => ({
            type: 'InventoryReservationFailed',
            data: { productId: l.productId, availableQuantity: 0, occurredAt: at(), orderId: d.orderId, requestedQuantity: l.quantity, reason: 'INSUFFICIENT_STOCK' },
          }));
        }
        return d.lines.map((l) => ({
          type: 'InventoryReserved',
          data: { productId: l.productId, availableQuantity: 100, occurredAt: at(), orderId: d.orderId, quantity: l.quantity },
        }));
      }),
    releaseInventory: (d, call) =>
      handle('ReleaseInventory', call, () =>
        d.productIds.map((productId) => ({
          type: 'InventoryReleased',
          data: { productId, availableQuantity: 100, occurredAt: at(), orderId: d.orderId, quantity: 1, reason: d.reason },
        })),
      ),
    authorizePayment: (d, call) =>
      handle(
        'AuthorizePayment',
        call,
        () => {
          payments.set(d.paymentId, { orderId: d.orderId, amount: d.amount, currency: d.currency, token: d.paymentMethod.token });
          const facts = { paymentId: d.paymentId, orderId: d.orderId, amount: d.amount, currency: d.currency, occurredAt: at(), methodType: d.paymentMethod.type };
          if (d.paymentMethod.token === 'tok_declined') {
            return [{ type: 'PaymentDeclined', data: { ...facts, declineCode: 'card_declined', reason: 'declined by the simulated issuer' } }];
          }
          return [{ type: 'PaymentAuthorized', data: { ...facts, authorizationCode: 'SIM-OK', gatewayReference: `auth_${d.paymentId}` } }];
        },
        (attempt) => d.paymentMethod.token === 'tok_down' || (d.paymentMethod.token === 'tok_flaky' && attempt <= 2),
      ),
    voidPayment: (d, call) =>
      handle(
        'VoidPayment',
        call,
        () => {
          const p = payments.get(d.paymentId);
          if (!p) throw new AppError('not_found', 'PAYMENT_NOT_FOUND', `payment ${d.paymentId} does not exist`);
          return [
            {
              type: 'PaymentVoided',
              data: { paymentId: d.paymentId, orderId: p.orderId, amount: p.amount, currency: p.currency, occurredAt: at(), reason: d.reason, voidReference: `void_${d.paymentId}` },
            },
          ];
        },
        () => payments.get(d.paymentId)?.token === 'tok_void_fails',
      ),
    createShipment: (d, call) =>
      handle('CreateShipment', call, () => {
        const facts = { shipmentId: d.shipmentId, orderId: d.orderId, occurredAt: at() };
        if (d.shippingAddress.country === 'XX') {
          return [{ type: 'ShipmentRejected', data: { ...facts, code: 'UNSERVICEABLE_ADDRESS', reason: 'the simulated carrier does not serve XX' } }];
        }
        return [
          {
            type: 'ShipmentCreated',
            data: { ...facts, carrier: 'sim', trackingNumber: `TRK-${d.shipmentId.slice(0, 8)}`, labelUrl: null, shippingAddress: d.shippingAddress },
          },
        ];
      }),
    cancelShipment: (_d, call) => handle('CancelShipment', call, () => []),
    confirmOrder: (d, call) =>
      handle('ConfirmOrder', call, () => {
        const o = order(d.orderId);
        return [
          {
            type: 'OrderConfirmed',
            data: { orderId: d.orderId, customerId: o.customerId, occurredAt: at(), totalAmount: o.totalAmount, currency: o.currency, paymentId: d.paymentId, shipmentId: d.shipmentId },
          },
        ];
      }),
    cancelOrder: (d, call) =>
      handle('CancelOrder', call, () => {
        const o = order(d.orderId);
        return [{ type: 'OrderCancelled', data: { orderId: d.orderId, customerId: o.customerId, occurredAt: at(), reason: d.reason, previousStatus: 'pending' } }];
      }),
  };

  return {
    gateway,
    calls,
    /** Publishes OrderCreated as the command service would after CreateOrder. */
    async createOrder(data: OrderCreatedData, publishOptions: Parameters<Publish>[1] = {}): Promise<string> {
      orders.set(data.orderId, data);
      return publish({ type: 'OrderCreated', data }, publishOptions);
    },
    /** Knows an order created through another instance (a restarted orchestrator's new fake). */
    remember: (data: OrderCreatedData): void => void orders.set(data.orderId, data),
    /** Successful calls of one saga, in order, as `Type` names. */
    accepted: (sagaId: string): SagaCommandType[] => calls.filter((c) => c.ok && c.commandId.startsWith(`${sagaId}:`)).map((c) => c.type),
    callsOf: (sagaId: string): FakeCall[] => calls.filter((c) => c.commandId.startsWith(`${sagaId}:`)),
  };
}

export type FakeCommandService = ReturnType<typeof createFakeCommandService>;
