import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { grpcCommand, optional, optionalAmount, type CommandRequest, type GrpcDeps } from '../grpc-command.js';
import type { CommandUseCases } from '../../use-cases.js';

type AuthorizePaymentRequest = CommandRequest & {
  order_id: string;
  payment_id: string;
  amount: number;
  currency: string;
  payment_method: { type: string; token: string } | null;
};
type CapturePaymentRequest = CommandRequest & { payment_id: string; amount: number };
type VoidPaymentRequest = CommandRequest & { payment_id: string; reason: string };
type RefundPaymentRequest = CommandRequest & { payment_id: string; amount: number; reason: string };

export function paymentMethods(commands: CommandUseCases, deps: GrpcDeps): UntypedServiceImplementation {
  return {
    AuthorizePayment: grpcCommand(
      deps,
      'AuthorizePayment',
      (r: AuthorizePaymentRequest) => ({
        orderId: r.order_id,
        paymentId: optional(r.payment_id),
        amount: r.amount,
        currency: r.currency,
        paymentMethod: { type: r.payment_method?.type ?? '', token: r.payment_method?.token ?? '' },
      }),
      commands.authorizePayment,
    ),
    CapturePayment: grpcCommand(
      deps,
      'CapturePayment',
      (r: CapturePaymentRequest) => ({ paymentId: r.payment_id, amount: optionalAmount(r.amount) }),
      commands.capturePayment,
    ),
    VoidPayment: grpcCommand(
      deps,
      'VoidPayment',
      (r: VoidPaymentRequest) => ({ paymentId: r.payment_id, reason: optional(r.reason) }),
      commands.voidPayment,
    ),
    RefundPayment: grpcCommand(
      deps,
      'RefundPayment',
      (r: RefundPaymentRequest) => ({ paymentId: r.payment_id, amount: optionalAmount(r.amount), reason: optional(r.reason) }),
      commands.refundPayment,
    ),
  };
}
