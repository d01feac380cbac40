import {
  copyPaymentMethod,
  type AuthorizePayment,
  type CapturePayment,
  type PaymentMethod,
  type RefundPayment,
  type VoidPayment,
} from '@orderflow/contracts';
import { newAggregateId } from '../commands/aggregate-ids.js';
import { paymentAggregate } from '../commands/aggregates.js';
import { domainCommand, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-response.js';
import type { CommandRuntime } from '../commands/command-runtime.js';
import { runExternalCommand } from '../commands/external-command.js';
import { callExternal, type ExternalSystem } from '../external/external-call.js';
import type { PaymentGateway } from '../external/payment-gateway.js';
import type { Payment, PaymentState } from './payment.decide.js';

/** `paymentId` may be left out: derived from the command id, so retries ask the gateway about one payment. */
export type AuthorizePaymentInput = Readonly<{
  orderId: string;
  paymentId?: string | null;
  amount: number;
  currency: string;
  paymentMethod: PaymentMethod;
}>;
/** `amount` left out: the whole authorization. */
export type CapturePaymentInput = Readonly<{ paymentId: string; amount?: number | null }>;
export type VoidPaymentInput = Readonly<{ paymentId: string; reason?: string | null }>;
/** `amount` left out: everything captured. */
export type RefundPaymentInput = Readonly<{ paymentId: string; amount?: number | null; reason?: string | null }>;

type Handler<I> = (input: I, ctx: CommandContext) => Promise<CommandResult>;

export type PaymentUseCases = Readonly<{
  authorizePayment: Handler<AuthorizePaymentInput>;
  capturePayment: Handler<CapturePaymentInput>;
  voidPayment: Handler<VoidPaymentInput>;
  refundPayment: Handler<RefundPaymentInput>;
}>;

/** Stands in for the gateway's answer in the draft the decider checks before the call. */
const PENDING = 'pending';

const kind = paymentAggregate;

/** The draft passed the decider, so the payment exists. */
function existing(state: PaymentState): Payment {
  if (state.status === 'none') throw new Error('payment vanished after the decider accepted the draft');
  return state;
}

export function paymentUseCases(rt: CommandRuntime, gateway: PaymentGateway, timeoutMs: number): PaymentUseCases {
  const system: ExternalSystem = { name: 'payment gateway', code: 'GATEWAY', timeoutMs };
  return {
    authorizePayment(input, ctx) {
      const paymentId = input.paymentId || newAggregateId('payment', ctx, rt.clock);
      const data = { ...input, paymentId, paymentMethod: copyPaymentMethod(input.paymentMethod) };
      const authorization = { outcome: 'authorized', authorizationCode: PENDING, gatewayReference: PENDING } as const;
      const draft: AuthorizePayment = domainCommand('AuthorizePayment', { ...data, authorization }, ctx);
      return runExternalCommand(
        rt,
        {
          kind,
          aggregateId: paymentId,
          draft,
          complete: async (c: AuthorizePayment) => {
            const answer = await callExternal(system, ctx.signal, (signal) => gateway.authorize(data, { signal }));
            return { ...c, data: { ...c.data, authorization: answer } };
          },
        },
        ctx,
      );
    },
    capturePayment(input, ctx) {
      const draft: CapturePayment = domainCommand('CapturePayment', { ...input, captureReference: PENDING }, ctx);
      return runExternalCommand(
        rt,
        {
          kind,
          aggregateId: input.paymentId,
          draft,
          complete: async (c: CapturePayment, state: PaymentState) => {
            const p = existing(state);
            const request = { paymentId: p.paymentId, gatewayReference: p.gatewayReference ?? '', amount: input.amount ?? p.amount, currency: p.currency };
            const { captureReference } = await callExternal(system, ctx.signal, (signal) => gateway.capture(request, { signal }));
            return { ...c, data: { ...c.data, captureReference } };
          },
        },
        ctx,
      );
    },
    voidPayment(input, ctx) {
      const draft: VoidPayment = domainCommand('VoidPayment', { ...input, voidReference: null }, ctx);
      return runExternalCommand(
        rt,
        {
          kind,
          aggregateId: input.paymentId,
          draft,
          complete: async (c: VoidPayment, state: PaymentState) => {
            const p = existing(state);
            const request = { paymentId: p.paymentId, gatewayReference: p.gatewayReference ?? '' };
            const { voidReference } = await callExternal(system, ctx.signal, (signal) => gateway.void(request, { signal }));
            return { ...c, data: { ...c.data, voidReference } };
          },
        },
        ctx,
      );
    },
    refundPayment(input, ctx) {
      const draft: RefundPayment = domainCommand('RefundPayment', { ...input, refundReference: PENDING }, ctx);
      return runExternalCommand(
        rt,
        {
          kind,
          aggregateId: input.paymentId,
          draft,
          complete: async (c: RefundPayment, state: PaymentState) => {
            const p = existing(state);
            const request = {
              paymentId: p.paymentId,
              gatewayReference: p.gatewayReference ?? '',
              amount: input.amount ?? p.capturedAmount,
              currency: p.currency,
            };
            const { refundReference } = await callExternal(system, ctx.signal, (signal) => gateway.refund(request, { signal }));
            return { ...c, data: { ...c.data, refundReference } };
          },
        },
        ctx,
      );
    },
  };
}
