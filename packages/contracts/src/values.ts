import type { CurrencyCode } from './money.js';

/** ISO 8601 instant in UTC as `Date.prototype.toISOString` writes it. */
export type IsoTimestamp = string;

/** One line of an order. `unitPrice` is in minor units of the order's currency. */
export type OrderLine = Readonly<{
  productId: string;
  quantity: number;
  unitPrice: number;
}>;

/** `country` is an ISO 3166-1 alpha-2 code. */
export type ShippingAddress = Readonly<{
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}>;

/** `token` is the gateway's token for the card, never a card number. */
export type PaymentMethod = Readonly<{
  type: string;
  token: string;
}>;

export type { CurrencyCode };

/** Upper bounds that keep a single command from growing a stream or a row without limit. */
export const Limits = {
  maxIdLength: 128,
  maxTextLength: 500,
  minOrderLines: 1,
  maxOrderLines: 100,
} as const;

const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Ids come from clients and other services; any non-blank string of bounded length. */
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= Limits.maxIdLength;

export const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= Limits.maxTextLength;

export const isPositiveQuantity = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

export const isCountryCode = (value: unknown): value is string =>
  typeof value === 'string' && COUNTRY_PATTERN.test(value);

export const isIsoTimestamp = (value: unknown): value is IsoTimestamp =>
  typeof value === 'string' && ISO_INSTANT_PATTERN.test(value) && !Number.isNaN(Date.parse(value));

export const isShippingAddress = (value: unknown): value is ShippingAddress => {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return isText(a['line1']) && isText(a['city']) && isText(a['postalCode']) && isCountryCode(a['country']);
};

export const isPaymentMethod = (value: unknown): value is PaymentMethod => {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return isId(m['type']) && isId(m['token']);
};

/**
 * Copies only the declared fields. Commands may arrive carrying extra properties (decoded
 * protobuf objects, loose JSON); events must hold exactly what their schema declares.
 */
export const copyShippingAddress = (a: ShippingAddress): ShippingAddress => ({
  line1: a.line1,
  city: a.city,
  postalCode: a.postalCode,
  country: a.country,
});

export const copyPaymentMethod = (m: PaymentMethod): PaymentMethod => ({ type: m.type, token: m.token });

export const copyOrderLine = (l: OrderLine): OrderLine => ({
  productId: l.productId,
  quantity: l.quantity,
  unitPrice: l.unitPrice,
});
