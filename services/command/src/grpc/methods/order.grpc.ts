import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { grpcCommand, optional, type CommandRequest, type GrpcDeps } from '../grpc-command.js';
import type { CommandUseCases } from '../../use-cases.js';

type ConfirmOrderRequest = CommandRequest & { order_id: string; payment_id: string; shipment_id: string; expected_plan_digest: string };
type CancelOrderRequest = CommandRequest & { order_id: string; reason: string };
type ShipOrderRequest = CommandRequest & { order_id: string; shipment_id: string; tracking_number: string; carrier: string };
type RecordPaymentRequest = CommandRequest & { order_id: string; payment_id: string; amount: number; currency: string };

export function orderMethods(commands: CommandUseCases, deps: GrpcDeps): UntypedServiceImplementation {
  return {
    ConfirmOrder: grpcCommand(
      deps,
      'ConfirmOrder',
      (r: ConfirmOrderRequest) => ({
        orderId: r.order_id,
        paymentId: optional(r.payment_id),
        shipmentId: optional(r.shipment_id),
        // absent, not null, when empty: a request from before the field existed hashes as it did
        ...(r.expected_plan_digest ? { expectedPlanDigest: r.expected_plan_digest } : {}),
      }),
      commands.confirmOrder,
    ),
    CancelOrder: grpcCommand(deps, 'CancelOrder', (r: CancelOrderRequest) => ({ orderId: r.order_id, reason: optional(r.reason) }), commands.cancelOrder),
    ShipOrder: grpcCommand(
      deps,
      'ShipOrder',
      (r: ShipOrderRequest) => ({
        orderId: r.order_id,
        shipmentId: optional(r.shipment_id),
        trackingNumber: optional(r.tracking_number),
        carrier: optional(r.carrier),
      }),
      commands.shipOrder,
    ),
    RecordPayment: grpcCommand(
      deps,
      'RecordPayment',
      (r: RecordPaymentRequest) => ({ orderId: r.order_id, paymentId: optional(r.payment_id), amount: r.amount, currency: r.currency }),
      commands.recordPayment,
    ),
  };
}
