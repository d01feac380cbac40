import type { DomainCommand } from './envelope.js';
import type { CurrencyCode, PaymentMethod } from './values.js';

/**
 * The gateway's answer to an authorization. It travels on the command, so deciding stays
 * pure: the handler talks to the gateway, the decider only records what it said.
 */
export type PaymentAuthorizationResult =
  | Readonly<{ outcome: 'authorized'; authorizationCode: string; gatewayReference: string }>
  | Readonly<{ outcome: 'declined'; declineCode: string; reason: string }>;

export type AuthorizePayment = DomainCommand<
  'AuthorizePayment',
  {
    paymentId: string;
    orderId: string;
    amount: number;
    currency: CurrencyCode;
    paymentMethod: PaymentMethod;
    authorization: PaymentAuthorizationResult;
  }
>;

/** `amount` defaults to the whole authorization. `captureReference` is the gateway's. */
export type CapturePayment = DomainCommand<
  'CapturePayment',
  { paymentId: string; amount?: number | null; captureReference: string }
>;

/** A compensation: voiding twice, or voiding a declined payment, produces nothing. */
export type VoidPayment = DomainCommand<
  'VoidPayment',
  { paymentId: string; reason?: string | null; voidReference?: string | null }
>;

/** `amount` defaults to everything captured. */
export type RefundPayment = DomainCommand<
  'RefundPayment',
  { paymentId: string; amount?: number | null; reason?: string | null; refundReference: string }
>;

export type PaymentCommand = AuthorizePayment | CapturePayment | VoidPayment | RefundPayment;

export type PaymentCommandType = PaymentCommand['type'];
