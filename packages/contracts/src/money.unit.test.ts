import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addMoney,
  compareMoney,
  isCurrencyCode,
  isMinorUnits,
  money,
  MoneyError,
  multiplyMoney,
  subtractMoney,
  sumMoney,
  zeroMoney,
  type MoneyErrorCode,
} from './money.js';

const refusesWith = (code: MoneyErrorCode, fn: () => unknown) =>
  assert.throws(fn, (e: unknown) => e instanceof MoneyError && e.code === code);

describe('money', () => {
  describe('construction', () => {
    it('keeps integer minor units and the currency', () => {
      assert.deepEqual(money(1999, 'EUR'), { amount: 1999, currency: 'EUR' });
      assert.deepEqual(zeroMoney('JPY'), { amount: 0, currency: 'JPY' });
    });

    it('refuses floats, NaN and infinities', () => {
      refusesWith('MONEY_NOT_INTEGER', () => money(19.99, 'EUR'));
      refusesWith('MONEY_NOT_INTEGER', () => money(Number.NaN, 'EUR'));
      refusesWith('MONEY_NOT_INTEGER', () => money(Number.POSITIVE_INFINITY, 'EUR'));
    });

    it('refuses negative amounts', () => refusesWith('MONEY_NEGATIVE', () => money(-1, 'EUR')));

    it('refuses amounts beyond the exact integer range', () =>
      refusesWith('MONEY_OUT_OF_RANGE', () => money(Number.MAX_SAFE_INTEGER + 1, 'EUR')));

    it('refuses anything but a three-letter upper-case ISO code', () => {
      for (const bad of ['eur', 'EURO', 'E1R', '', '€']) refusesWith('MONEY_INVALID_CURRENCY', () => money(1, bad));
    });
  });

  describe('arithmetic', () => {
    it('adds and subtracts within one currency', () => {
      assert.deepEqual(addMoney(money(150, 'USD'), money(250, 'USD')), money(400, 'USD'));
      assert.deepEqual(subtractMoney(money(400, 'USD'), money(150, 'USD')), money(250, 'USD'));
    });

    it('refuses to mix currencies', () => {
      refusesWith('MONEY_CURRENCY_MISMATCH', () => addMoney(money(1, 'USD'), money(1, 'EUR')));
      refusesWith('MONEY_CURRENCY_MISMATCH', () => subtractMoney(money(1, 'USD'), money(1, 'EUR')));
      refusesWith('MONEY_CURRENCY_MISMATCH', () => compareMoney(money(1, 'USD'), money(1, 'EUR')));
      refusesWith('MONEY_CURRENCY_MISMATCH', () => sumMoney('USD', [money(1, 'USD'), money(1, 'GBP')]));
    });

    it('refuses a subtraction that would go below zero', () =>
      refusesWith('MONEY_NEGATIVE', () => subtractMoney(money(1, 'USD'), money(2, 'USD'))));

    it('multiplies by a count, refusing fractional or negative factors', () => {
      assert.deepEqual(multiplyMoney(money(1250, 'EUR'), 3), money(3750, 'EUR'));
      refusesWith('MONEY_INVALID_FACTOR', () => multiplyMoney(money(1250, 'EUR'), 1.5));
      refusesWith('MONEY_INVALID_FACTOR', () => multiplyMoney(money(1250, 'EUR'), -1));
    });

    it('refuses a product that overflows the exact integer range', () =>
      refusesWith('MONEY_OUT_OF_RANGE', () => multiplyMoney(money(Number.MAX_SAFE_INTEGER, 'EUR'), 2)));

    it('sums a list, zero for none', () => {
      assert.deepEqual(sumMoney('EUR', []), money(0, 'EUR'));
      assert.deepEqual(sumMoney('EUR', [money(1, 'EUR'), money(2, 'EUR'), money(3, 'EUR')]), money(6, 'EUR'));
    });

    it('compares amounts', () => {
      assert.equal(compareMoney(money(1, 'EUR'), money(2, 'EUR')), -1);
      assert.equal(compareMoney(money(2, 'EUR'), money(2, 'EUR')), 0);
      assert.equal(compareMoney(money(3, 'EUR'), money(2, 'EUR')), 1);
    });
  });

  describe('predicates', () => {
    it('accept only non-negative safe integers as minor units', () => {
      assert.equal(isMinorUnits(0), true);
      assert.equal(isMinorUnits(Number.MAX_SAFE_INTEGER), true);
      for (const bad of [-1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '10', null]) assert.equal(isMinorUnits(bad), false);
    });

    it('accept only ISO-shaped currency codes', () => {
      assert.equal(isCurrencyCode('GBP'), true);
      for (const bad of ['gbp', 'GB', 7, undefined]) assert.equal(isCurrencyCode(bad), false);
    });
  });
});
