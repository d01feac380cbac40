import {
  isCurrencyCode,
  isId,
  isMinorUnits,
  isPaymentMethod,
  isPositiveQuantity,
  isShippingAddress,
  isText,
  Limits,
  money,
  MoneyError,
  multiplyMoney,
  sumMoney,
  type CreateOrder,
  type OrderLine,
} from '@orderflow/contracts';
import { validation } from '@orderflow/platform/errors';

/** Malformed input: refused before the order's state is even looked at. */

export function requireId(value: unknown, field: string): string {
  if (!isId(value)) throw validation('ORDER_INVALID_ID', `${field} must be a non-blank id of at most ${Limits.maxIdLength} characters`, { field });
  return value;
}

export function optionalId(value: string | null | undefined, field: string): string | null {
  return value === null || value === undefined ? null : requireId(value, field);
}

export function optionalReason(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isText(value)) throw validation('ORDER_INVALID_REASON', `reason must be non-blank text of at most ${Limits.maxTextLength} characters`);
  return value;
}

export function requireCurrency(value: unknown): string {
  if (!isCurrencyCode(value)) throw validation('ORDER_INVALID_CURRENCY', 'currency must be an ISO 4217 code such as EUR');
  return value;
}

export function requireQuantity(value: unknown, productId: string): number {
  if (!isPositiveQuantity(value)) throw validation('ORDER_INVALID_QUANTITY', `quantity of ${productId} must be a positive integer`, { productId });
  return value;
}

export function requireUnitPrice(value: unknown, productId: string): number {
  if (!isMinorUnits(value)) {
    throw validation('ORDER_INVALID_UNIT_PRICE', `unit price of ${productId} must be a non-negative integer in minor units`, { productId });
  }
  return value;
}

export function requireLine(line: OrderLine): OrderLine {
  const productId = requireId(line.productId, 'productId');
  return { productId, quantity: requireQuantity(line.quantity, productId), unitPrice: requireUnitPrice(line.unitPrice, productId) };
}

/** Totals go through the money helpers; only overflow can fail once lines are valid. */
export function orderTotal(lines: readonly OrderLine[], currency: string): number {
  try {
    return sumMoney(currency, lines.map((l) => multiplyMoney(money(l.unitPrice, currency), l.quantity))).amount;
  } catch (error) {
    if (error instanceof MoneyError) throw validation('ORDER_AMOUNT_OUT_OF_RANGE', `order total is out of range: ${error.message}`);
    throw error;
  }
}

/** Returns the lines copied to their declared fields, after every check passed. */
export function validateCreateOrder(data: CreateOrder['data']): readonly OrderLine[] {
  requireId(data.orderId, 'orderId');
  requireId(data.customerId, 'customerId');
  requireCurrency(data.currency);
  if (!Array.isArray(data.items) || data.items.length < Limits.minOrderLines) {
    throw validation('ORDER_NO_ITEMS', 'an order needs at least one item');
  }
  if (data.items.length > Limits.maxOrderLines) {
    throw validation('ORDER_TOO_MANY_ITEMS', `an order holds at most ${Limits.maxOrderLines} items`, { count: data.items.length });
  }
  const lines = data.items.map(requireLine);
  const seen = new Set<string>();
  for (const { productId } of lines) {
    if (seen.has(productId)) throw validation('ORDER_DUPLICATE_PRODUCT', `${productId} appears on more than one line`, { productId });
    seen.add(productId);
  }
  if (!isShippingAddress(data.shippingAddress)) {
    throw validation('ORDER_INVALID_SHIPPING_ADDRESS', 'shipping address needs line1, city, postalCode and an ISO 3166 alpha-2 country');
  }
  if (!isPaymentMethod(data.paymentMethod)) throw validation('ORDER_INVALID_PAYMENT_METHOD', 'payment method needs a type and a token');
  return lines;
}
