import { isCurrencyCode, isId, isMinorUnits, isPaymentMethod, isText, type PaymentAuthorizationResult } from '@orderflow/contracts';
import { validation } from '@orderflow/platform/errors';

/** Malformed input: refused before the payment's state is looked at. */

export function requireId(value: unknown, field: string): string {
  if (!isId(value)) throw validation('PAYMENT_INVALID_ID', `${field} must be a non-blank id`, { field });
  return value;
}

export const optionalId = (value: string | null | undefined, field: string): string | null =>
  value === null || value === undefined ? null : requireId(value, field);

export function optionalReason(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isText(value)) throw validation('PAYMENT_INVALID_REASON', 'reason must be non-blank text');
  return value;
}

/** Amounts taken or given back are positive: a zero capture or refund is not an operation. */
export function requireAmount(value: unknown): number {
  if (!isMinorUnits(value) || value === 0) throw validation('PAYMENT_INVALID_AMOUNT', 'amount must be a positive integer in minor units');
  return value;
}

export const optionalAmount = (value: number | null | undefined): number | null =>
  value === null || value === undefined ? null : requireAmount(value);

export function requireCurrency(value: unknown): string {
  if (!isCurrencyCode(value)) throw validation('PAYMENT_INVALID_CURRENCY', 'currency must be an ISO 4217 code such as EUR');
  return value;
}

export function requireMethodType(value: unknown): string {
  if (!isPaymentMethod(value)) throw validation('PAYMENT_INVALID_METHOD', 'payment method needs a type and a token');
  return value.type;
}

/** The gateway's answer is outside input too: a malformed one must not become an event. */
export function requireAuthorization(result: PaymentAuthorizationResult): PaymentAuthorizationResult {
  const ok =
    typeof result === 'object' &&
    result !== null &&
    ((result.outcome === 'authorized' && isId(result.authorizationCode) && isId(result.gatewayReference)) ||
      (result.outcome === 'declined' && isId(result.declineCode) && isText(result.reason)));
  if (!ok) throw validation('PAYMENT_INVALID_GATEWAY_RESULT', 'authorization result must be authorized with codes, or declined with a reason');
  return result;
}
