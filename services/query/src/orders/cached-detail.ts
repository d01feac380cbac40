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

/** Freezes a parsed entry and everything in it: one object answers many reads, none may change it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * `parseCachedDetail` that remembers, per key, the last entry it parsed and its answer,
 * for up to `capacity` keys. The answer is a function of the entry's text alone, and a
 * remembered one is used only when the text read now is that same text, so it is never
 * out of date: a changed order has a changed entry (its version at least), which is
 * parsed anew, and Redis is still read on every request. A hot order's entry is read
 * again and again between its updates; comparing it with the remembered text costs far
 * less than parsing and checking it (or hashing it as a key of its own). The key that
 * was remembered first is forgotten first when the memory is full.
 */
export function rememberingDetailParser(capacity: number): (key: string, json: string) => CachedDetail | null {
  const answers = new Map<string, Readonly<{ json: string; detail: CachedDetail | null }>>();
  return (key, json) => {
    const known = answers.get(key);
    if (known !== undefined && known.json === json) return known.detail;
    const detail = parseCachedDetail(json);
    if (known === undefined && answers.size >= capacity) {
      const oldest = answers.keys().next();
      if (oldest.done !== true) answers.delete(oldest.value);
    }
    answers.set(key, { json, detail: detail === null ? null : deepFreeze(detail) });
    return detail;
  };
}
