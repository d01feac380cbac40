import {
  assertNever,
  type AuthorizePayment,
  type CapturePayment,
  type Decider,
  type PaymentCommand,
  type PaymentEvent,
  type RefundPayment,
  type VoidPayment,
} from '@orderflow/contracts';
import { notFound, precondition } from '@orderflow/platform/errors';
import {
  optionalAmount,
  optionalId,
  optionalReason,
  requireAmount,
  requireAuthorization,
  requireCurrency,
  requireId,
  requireMethodType,
} from './payment.validate.js';

export type PaymentStatus = 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';

export type Payment = Readonly<{
  status: PaymentStatus;
  paymentId: string;
  orderId: string;
  currency: string;
  /** What was asked to be authorized. */
  amount: number;
  gatewayReference: string | null;
  capturedAmount: number;
  refundedAmount: number;
}>;

export type PaymentState = Readonly<{ status: 'none' }> | Payment;

export const initialState = (): PaymentState => ({ status: 'none' });

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  const d = event.data;
  const opened = { paymentId: d.paymentId, orderId: d.orderId, currency: d.currency, amount: d.amount, capturedAmount: 0, refundedAmount: 0 };
  if (event.type === 'PaymentAuthorized') return { ...opened, status: 'authorized', gatewayReference: event.data.gatewayReference };
  if (event.type === 'PaymentDeclined') return { ...opened, status: 'declined', gatewayReference: null };
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PaymentCaptured':
      return { ...state, status: 'captured', capturedAmount: event.data.amount };
    case 'PaymentVoided':
      return { ...state, status: 'voided' };
    case 'PaymentRefunded':
      return { ...state, status: 'refunded', refundedAmount: event.data.amount };
    default:
      return assertNever(event, 'payment event');
  }
}

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'AuthorizePayment':
      return authorize(command, state);
    case 'CapturePayment':
      return capture(command, state);
    case 'VoidPayment':
      return voidPayment(command, state);
    case 'RefundPayment':
      return refund(command, state);
    default:
      return assertNever(command, 'payment command');
  }
}

export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = { initialState, evolve, decide };

function requirePayment(state: PaymentState, paymentId: string): Payment {
  if (state.status === 'none') throw notFound('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`, { paymentId });
  return state;
}

const refuse = (code: string, payment: Payment, message: string) =>
  precondition(code, `payment ${payment.paymentId} ${message}`, { paymentId: payment.paymentId, paymentStatus: payment.status });

const factsOf = (p: Payment, amount: number, now: Date) => ({
  paymentId: p.paymentId,
  orderId: p.orderId,
  amount,
  currency: p.currency,
  occurredAt: now.toISOString(),
});

function authorize({ data, metadata }: AuthorizePayment, state: PaymentState): PaymentEvent[] {
  const paymentId = requireId(data.paymentId, 'paymentId');
  const orderId = requireId(data.orderId, 'orderId');
  const amount = requireAmount(data.amount);
  const currency = requireCurrency(data.currency);
  const methodType = requireMethodType(data.paymentMethod);
  const result = requireAuthorization(data.authorization);
  if (state.status !== 'none') throw refuse('PAYMENT_ALREADY_EXISTS', state, 'already exists');
  const facts = { paymentId, orderId, amount, currency, occurredAt: metadata.now.toISOString(), methodType };
  if (result.outcome === 'declined') {
    return [{ type: 'PaymentDeclined', data: { ...facts, declineCode: result.declineCode, reason: result.reason } }];
  }
  return [
    {
      type: 'PaymentAuthorized',
      data: { ...facts, authorizationCode: result.authorizationCode, gatewayReference: result.gatewayReference },
    },
  ];
}

/** Captured, voided and refunded payments are past the point where anything can be taken. */
function refuseUnlessAuthorized(p: Payment): void {
  if (p.status === 'declined') throw refuse('PAYMENT_DECLINED', p, 'was declined');
  if (p.status === 'voided') throw refuse('PAYMENT_VOIDED', p, 'was voided');
  if (p.status !== 'authorized') throw refuse('PAYMENT_ALREADY_CAPTURED', p, 'was already captured');
}

function capture({ data, metadata }: CapturePayment, state: PaymentState): PaymentEvent[] {
  requireId(data.paymentId, 'paymentId');
  const requested = optionalAmount(data.amount);
  const captureReference = requireId(data.captureReference, 'captureReference');
  const payment = requirePayment(state, data.paymentId);
  refuseUnlessAuthorized(payment);
  const amount = requested ?? payment.amount;
  if (amount > payment.amount) {
    throw refuse('PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED', payment, `cannot capture ${amount}, only ${payment.amount} was authorized`);
  }
  return [{ type: 'PaymentCaptured', data: { ...factsOf(payment, amount, metadata.now), captureReference } }];
}

function voidPayment({ data, metadata }: VoidPayment, state: PaymentState): PaymentEvent[] {
  requireId(data.paymentId, 'paymentId');
  const reason = optionalReason(data.reason);
  const voidReference = optionalId(data.voidReference, 'voidReference');
  const payment = requirePayment(state, data.paymentId);
  // A compensation: nothing left to release once voided, or when nothing was ever authorized.
  if (payment.status === 'voided' || payment.status === 'declined') return [];
  if (payment.status !== 'authorized') throw refuse('PAYMENT_ALREADY_CAPTURED', payment, 'was captured; refund it instead');
  return [{ type: 'PaymentVoided', data: { ...factsOf(payment, payment.amount, metadata.now), reason, voidReference } }];
}

function refund({ data, metadata }: RefundPayment, state: PaymentState): PaymentEvent[] {
  requireId(data.paymentId, 'paymentId');
  const requested = optionalAmount(data.amount);
  const reason = optionalReason(data.reason);
  const refundReference = requireId(data.refundReference, 'refundReference');
  const payment = requirePayment(state, data.paymentId);
  if (payment.status === 'refunded') {
    // At most one refund: the same request again is satisfied, a different one is refused.
    if (requested === null || requested === payment.refundedAmount) return [];
    throw refuse('PAYMENT_ALREADY_REFUNDED', payment, `was already refunded ${payment.refundedAmount}`);
  }
  if (payment.status !== 'captured') throw refuse('PAYMENT_NOT_CAPTURED', payment, `is ${payment.status}; only captured payments are refunded`);
  const amount = requested ?? payment.capturedAmount;
  if (amount > payment.capturedAmount) {
    throw refuse('PAYMENT_REFUND_EXCEEDS_CAPTURED', payment, `cannot refund ${amount}, only ${payment.capturedAmount} was captured`);
  }
  return [{ type: 'PaymentRefunded', data: { ...factsOf(payment, amount, metadata.now), reason, refundReference } }];
}
