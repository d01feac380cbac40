import type { CurrencyCode, PaymentAuthorizationResult, PaymentMethod } from '@orderflow/contracts';
import type { CallOptions } from './call-options.js';

/**
 * The payment gateway port, declared by the code that needs it. Contract for adapters:
 * - a business refusal of an authorization resolves as `{ outcome: 'declined' }`, never rejects;
 * - a transient failure rejects with AppError kind `unavailable` (code GATEWAY_UNAVAILABLE),
 *   which callers may retry;
 * - an aborted signal rejects with `signal.reason`;
 * - the same paymentId yields the same gateway references, so a retried call is harmless.
 */
export type AuthorizationRequest = Readonly<{
  paymentId: string;
  orderId: string;
  amount: number;
  currency: CurrencyCode;
  paymentMethod: PaymentMethod;
}>;

export type AuthorizationResult = PaymentAuthorizationResult;

export type CaptureRequest = Readonly<{ paymentId: string; gatewayReference: string; amount: number; currency: CurrencyCode }>;
export type CaptureResult = Readonly<{ captureReference: string }>;

export type VoidRequest = Readonly<{ paymentId: string; gatewayReference: string }>;
export type VoidResult = Readonly<{ voidReference: string }>;

export type RefundRequest = Readonly<{ paymentId: string; gatewayReference: string; amount: number; currency: CurrencyCode }>;
export type RefundResult = Readonly<{ refundReference: string }>;

export type PaymentGateway = {
  authorize(request: AuthorizationRequest, options?: CallOptions): Promise<AuthorizationResult>;
  capture(request: CaptureRequest, options?: CallOptions): Promise<CaptureResult>;
  void(request: VoidRequest, options?: CallOptions): Promise<VoidResult>;
  refund(request: RefundRequest, options?: CallOptions): Promise<RefundResult>;
};
