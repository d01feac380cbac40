import { describe, it } from 'node:test';
import type {
  AuthorizePayment,
  CapturePayment,
  PaymentAuthorizationResult,
  PaymentEvent,
  RefundPayment,
  VoidPayment,
} from '@orderflow/contracts';
import { command, deciderSpec, NOW_ISO } from '../testing/decider-spec.js';
import { paymentDecider } from './payment.decide.js';

const spec = deciderSpec(paymentDecider);
const paymentId = 'pay-1';
const facts = { paymentId, orderId: 'order-1', amount: 5000, currency: 'EUR', occurredAt: NOW_ISO };
const approved: PaymentAuthorizationResult = { outcome: 'authorized', authorizationCode: 'A1', gatewayReference: 'auth_pay-1' };
const refused: PaymentAuthorizationResult = { outcome: 'declined', declineCode: 'card_declined', reason: 'declined by issuer' };

const authorize = (authorization: PaymentAuthorizationResult, over: Partial<AuthorizePayment['data']> = {}) =>
  command<AuthorizePayment>('AuthorizePayment', {
    paymentId,
    orderId: 'order-1',
    amount: 5000,
    currency: 'EUR',
    paymentMethod: { type: 'card', token: 'tok_visa' },
    authorization,
    ...over,
  });
const capture = (amount?: number) => command<CapturePayment>('CapturePayment', { paymentId, amount, captureReference: 'cap-1' });
const voidIt = (reason: string | null = 'saga compensation') =>
  command<VoidPayment>('VoidPayment', { paymentId, reason, voidReference: 'void-1' });
const refund = (amount?: number) => command<RefundPayment>('RefundPayment', { paymentId, amount, reason: null, refundReference: 'ref-1' });

const authorized: PaymentEvent = {
  type: 'PaymentAuthorized',
  data: { ...facts, methodType: 'card', authorizationCode: 'A1', gatewayReference: 'auth_pay-1' },
};
const declined: PaymentEvent = {
  type: 'PaymentDeclined',
  data: { ...facts, methodType: 'card', declineCode: 'card_declined', reason: 'declined by issuer' },
};
const captured = (amount: number): PaymentEvent => ({ type: 'PaymentCaptured', data: { ...facts, amount, captureReference: 'cap-1' } });
const voided: PaymentEvent = { type: 'PaymentVoided', data: { ...facts, reason: 'saga compensation', voidReference: 'void-1' } };
const refunded = (amount: number): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: { ...facts, amount, reason: null, refundReference: 'ref-1' },
});

describe('payment decider', () => {
  describe('given no payment', () => {
    const given = spec.given([]);
    it('records an authorization the gateway granted', () => given.when(authorize(approved)).then([authorized]));
    it('records a decline as a result event', () => given.when(authorize(refused)).then([declined]));
    it('refuses a zero amount', () => given.when(authorize(approved, { amount: 0 })).thenThrows('PAYMENT_INVALID_AMOUNT', 'validation'));
    it('refuses a float amount', () => given.when(authorize(approved, { amount: 49.99 })).thenThrows('PAYMENT_INVALID_AMOUNT', 'validation'));
    it('refuses a bad currency', () => given.when(authorize(approved, { currency: 'euro' })).thenThrows('PAYMENT_INVALID_CURRENCY', 'validation'));
    it('refuses a payment method without a token', () =>
      given.when(authorize(approved, { paymentMethod: { type: 'card', token: '' } })).thenThrows('PAYMENT_INVALID_METHOD', 'validation'));
    it('refuses a malformed gateway answer', () =>
      given
        .when(authorize({ outcome: 'authorized', authorizationCode: '', gatewayReference: 'x' }))
        .thenThrows('PAYMENT_INVALID_GATEWAY_RESULT', 'validation'));
    it('refuses a blank order id', () => given.when(authorize(approved, { orderId: '' })).thenThrows('PAYMENT_INVALID_ID', 'validation'));
    for (const [name, cmd] of [
      ['CapturePayment', capture()],
      ['VoidPayment', voidIt()],
      ['RefundPayment', refund()],
    ] as const) {
      it(`refuses ${name} as not found`, () => given.when(cmd).thenThrows('PAYMENT_NOT_FOUND', 'not_found'));
    }
  });

  describe('given an authorized payment', () => {
    const given = spec.given([authorized]);
    it('refuses authorizing it again', () => given.when(authorize(approved)).thenThrows('PAYMENT_ALREADY_EXISTS', 'precondition'));
    it('captures the whole authorization by default', () => given.when(capture()).then([captured(5000)]));
    it('captures part of it', () => given.when(capture(3000)).then([captured(3000)]));
    it('never captures more than was authorized', () =>
      given.when(capture(5001)).thenThrows('PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED', 'precondition'));
    it('refuses a zero capture', () => given.when(capture(0)).thenThrows('PAYMENT_INVALID_AMOUNT', 'validation'));
    it('voids it', () => given.when(voidIt()).then([voided]));
    it('refuses a refund before capture', () => given.when(refund()).thenThrows('PAYMENT_NOT_CAPTURED', 'precondition'));
  });

  describe('given a declined payment', () => {
    const given = spec.given([declined]);
    it('refuses a capture', () => given.when(capture()).thenThrows('PAYMENT_DECLINED', 'precondition'));
    it('has nothing to void', () => given.when(voidIt()).thenNothing());
    it('refuses a refund', () => given.when(refund()).thenThrows('PAYMENT_NOT_CAPTURED', 'precondition'));
  });

  describe('given a voided payment', () => {
    const given = spec.given([authorized, voided]);
    it('voids at most once: a second void produces nothing', () => given.when(voidIt()).thenNothing());
    it('refuses a capture', () => given.when(capture()).thenThrows('PAYMENT_VOIDED', 'precondition'));
    it('refuses a refund', () => given.when(refund()).thenThrows('PAYMENT_NOT_CAPTURED', 'precondition'));
  });

  describe('given a payment captured in part', () => {
    const given = spec.given([authorized, captured(3000)]);
    it('refuses to void it', () => given.when(voidIt()).thenThrows('PAYMENT_ALREADY_CAPTURED', 'precondition'));
    it('refuses a second capture', () => given.when(capture(1000)).thenThrows('PAYMENT_ALREADY_CAPTURED', 'precondition'));
    it('refunds everything captured by default', () => given.when(refund()).then([refunded(3000)]));
    it('refunds part of it', () => given.when(refund(1000)).then([refunded(1000)]));
    it('never refunds more than was taken', () =>
      given.when(refund(3001)).thenThrows('PAYMENT_REFUND_EXCEEDS_CAPTURED', 'precondition'));
  });

  describe('given a refunded payment', () => {
    const given = spec.given([authorized, captured(5000), refunded(2000)]);
    it('refunds at most once: the same refund again produces nothing', () => given.when(refund(2000)).thenNothing());
    it('treats a repeat without an amount as the same refund', () => given.when(refund()).thenNothing());
    it('refuses a different second refund', () => given.when(refund(1000)).thenThrows('PAYMENT_ALREADY_REFUNDED', 'precondition'));
    it('refuses to void it', () => given.when(voidIt()).thenThrows('PAYMENT_ALREADY_CAPTURED', 'precondition'));
    it('refuses a capture', () => given.when(capture()).thenThrows('PAYMENT_ALREADY_CAPTURED', 'precondition'));
  });
});
