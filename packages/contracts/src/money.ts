/**
 * Money is an integer count of minor units (cents, pence, yen) plus an ISO 4217 currency.
 * Floats never enter: 0.1 + 0.2 is not 0.3, and a rounding error in a total is a
 * bookkeeping error. Amounts stay within Number.MAX_SAFE_INTEGER so they encode exactly as
 * Avro `long` and JSON numbers.
 */
export type CurrencyCode = string;

export type Money = Readonly<{ amount: number; currency: CurrencyCode }>;

export type MoneyErrorCode =
  | 'MONEY_NOT_INTEGER'
  | 'MONEY_NEGATIVE'
  | 'MONEY_OUT_OF_RANGE'
  | 'MONEY_INVALID_CURRENCY'
  | 'MONEY_CURRENCY_MISMATCH'
  | 'MONEY_INVALID_FACTOR';

/**
 * Thrown by the money helpers. Contracts depend on nothing, so this is not an AppError:
 * callers that take amounts from outside check them with the predicates first, or map
 * this error to their own validation error.
 */
export class MoneyError extends Error {
  readonly code: MoneyErrorCode;

  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.code = code;
  }
}

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export const isCurrencyCode = (value: unknown): value is CurrencyCode =>
  typeof value === 'string' && CURRENCY_PATTERN.test(value);

/** A non-negative safe integer: the only shape an amount may take. */
export const isMinorUnits = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function checkAmount(amount: number): number {
  if (!Number.isInteger(amount)) throw new MoneyError('MONEY_NOT_INTEGER', `amount ${amount} is not an integer count of minor units`);
  if (amount < 0) throw new MoneyError('MONEY_NEGATIVE', `amount ${amount} is negative`);
  if (!Number.isSafeInteger(amount)) throw new MoneyError('MONEY_OUT_OF_RANGE', `amount ${amount} is beyond the exact integer range`);
  return amount;
}

function checkCurrency(currency: string): CurrencyCode {
  if (!isCurrencyCode(currency)) throw new MoneyError('MONEY_INVALID_CURRENCY', `currency ${JSON.stringify(currency)} is not an ISO 4217 code`);
  return currency;
}

function checkSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError('MONEY_CURRENCY_MISMATCH', `cannot combine ${a.currency} with ${b.currency}`);
  }
}

export const money = (amount: number, currency: string): Money =>
  Object.freeze({ amount: checkAmount(amount), currency: checkCurrency(currency) });

export const zeroMoney = (currency: string): Money => money(0, currency);

export function addMoney(a: Money, b: Money): Money {
  checkSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

/** Refuses a negative result rather than produce a debt nobody modelled. */
export function subtractMoney(a: Money, b: Money): Money {
  checkSameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

/** Price times quantity; the factor is a count, so a non-negative integer. */
export function multiplyMoney(m: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor) || factor < 0) {
    throw new MoneyError('MONEY_INVALID_FACTOR', `factor ${factor} is not a non-negative integer`);
  }
  return money(m.amount * factor, m.currency);
}

export const sumMoney = (currency: string, amounts: readonly Money[]): Money =>
  amounts.reduce<Money>((total, m) => addMoney(total, m), zeroMoney(currency));

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  checkSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}
