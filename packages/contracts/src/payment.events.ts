import type { DomainEvent } from './envelope.js';
import type { CurrencyCode, IsoTimestamp } from './values.js';

/** Every Payment event names its order. `amount` is in minor units of `currency`. */
type PaymentFacts = Readonly<{
  paymentId: string;
  orderId: string;
  amount: number;
  currency: CurrencyCode;
  occurredAt: IsoTimestamp;
}>;

export type PaymentAuthorizedData = PaymentFacts &
  Readonly<{
    methodType: string;
    authorizationCode: string;
    /** The gateway's id for the authorization; capture, void and refund refer to it. */
    gatewayReference: string;
  }>;

/** A result event: the saga's authorize step fails on it without retrying. */
export type PaymentDeclinedData = PaymentFacts &
  Readonly<{
    methodType: string;
    declineCode: string;
    reason: string;
  }>;

/** `amount` is what was captured, at most what was authorized. */
export type PaymentCapturedData = PaymentFacts & Readonly<{ captureReference: string }>;

/** `amount` is the authorization released. */
export type PaymentVoidedData = PaymentFacts &
  Readonly<{
    reason: string | null;
    voidReference: string | null;
  }>;

/** `amount` is what was given back, at most what was captured. */
export type PaymentRefundedData = PaymentFacts &
  Readonly<{
    reason: string | null;
    refundReference: string;
  }>;

export type PaymentAuthorized = DomainEvent<'PaymentAuthorized', PaymentAuthorizedData>;
export type PaymentDeclined = DomainEvent<'PaymentDeclined', PaymentDeclinedData>;
export type PaymentCaptured = DomainEvent<'PaymentCaptured', PaymentCapturedData>;
export type PaymentVoided = DomainEvent<'PaymentVoided', PaymentVoidedData>;
export type PaymentRefunded = DomainEvent<'PaymentRefunded', PaymentRefundedData>;

export type PaymentEvent = PaymentAuthorized | PaymentDeclined | PaymentCaptured | PaymentVoided | PaymentRefunded;

export type PaymentEventType = PaymentEvent['type'];
