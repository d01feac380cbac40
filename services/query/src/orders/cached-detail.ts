import { orderViewSchema, type OrderView } from './order-view.js';

/**
 * A detail read from Redis. `json` is the entry itself when it is already exactly what
 * the API serves as `data` (every field present with its served type, nothing more), so
 * the response can carry it as it is instead of serializing the view again; `null` when
 * the entry needed the schema's defaults or stripping, and the view must be serialized.
 */
export type CachedDetail = Readonly<{ view: OrderView; json: string | null }>;

const OWN = Object.prototype.hasOwnProperty;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Exactly these keys, no others: a key the API does not serve would leak through a served-as-is entry. */
function hasExactly(v: Record<string, unknown>, keys: readonly string[]): boolean {
  let count = 0;
  for (const key in v) {
    if (!OWN.call(v, key)) continue;
    count++;
  }
  return count === keys.length && keys.every((k) => OWN.call(v, k));
}

const text = (v: unknown, min = 0): boolean => typeof v === 'string' && v.length >= min;
const textOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const amount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const amountOrNull = (v: unknown): boolean => v === null || amount(v);
const instantOrNull = (v: unknown): boolean => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));

const VIEW_KEYS = [
  'orderId', 'customerId', 'status', 'currency', 'totalAmount', 'itemCount', 'items', 'shippingAddress',
  'payment', 'shipment', 'cancellationReason', 'version', 'createdAt', 'updatedAt',
] as const;
const ITEM_KEYS = ['productId', 'quantity', 'unitPrice', 'lineTotal'] as const;
const PAYMENT_KEYS = ['paymentId', 'status', 'amount'] as const;
const SHIPMENT_KEYS = ['shipmentId', 'carrier', 'trackingNumber'] as const;

const isItem = (v: unknown): boolean =>
  isRecord(v) && hasExactly(v, ITEM_KEYS) && text(v.productId) && Number.isSafeInteger(v.quantity) && amount(v.unitPrice) && amount(v.lineTotal);

const isPayment = (v: unknown): boolean =>
  v === null || (isRecord(v) && hasExactly(v, PAYMENT_KEYS) && text(v.paymentId) && text(v.status) && amountOrNull(v.amount));

const isShipment = (v: unknown): boolean =>
  v === null || (isRecord(v) && hasExactly(v, SHIPMENT_KEYS) && text(v.shipmentId) && textOrNull(v.carrier) && textOrNull(v.trackingNumber));

/**
 * True when `orderViewSchema` would return `v` unchanged: the same checks, and no field
 * that the schema would default or strip. Anything else goes through the schema.
 */
export function isServableAsIs(v: unknown): v is OrderView {
  return (
    isRecord(v) &&
    hasExactly(v, VIEW_KEYS) &&
    text(v.orderId, 1) &&
    text(v.customerId, 1) &&
    text(v.status, 1) &&
    textOrNull(v.currency) &&
    amountOrNull(v.totalAmount) &&
    amountOrNull(v.itemCount) &&
    Array.isArray(v.items) &&
    v.items.every(isItem) &&
    (v.shippingAddress === null || isRecord(v.shippingAddress)) &&
    isPayment(v.payment) &&
    isShipment(v.shipment) &&
    textOrNull(v.cancellationReason) &&
    Number.isSafeInteger(v.version) &&
    (v.version as number) > 0 &&
    instantOrNull(v.createdAt) &&
    instantOrNull(v.updatedAt)
  );
}

/**
 * Parses a cached entry; `null` when it is not a view this service can serve. Redis is
 * written by another service: an entry that does not match (an older shape, a partial
 * write) is a miss, never a malformed response.
 */
export function parseCachedDetail(json: string): CachedDetail | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (isServableAsIs(value)) return { view: value, json };
  const parsed = orderViewSchema.safeParse(value);
  return parsed.success ? { view: parsed.data, json: null } : null;
}
