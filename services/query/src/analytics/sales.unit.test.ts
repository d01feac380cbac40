import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { totalsOf } from './sales.js';

describe('sales totals', () => {
  it('add up per currency and never across currencies', () => {
    const totals = totalsOf([
      { day: '2024-01-01', currency: 'USD', orders: 2, revenue: 500, cancellations: 0 },
      { day: '2024-01-01', currency: 'EUR', orders: 1, revenue: 100, cancellations: 1 },
      { day: '2024-01-02', currency: 'EUR', orders: 3, revenue: 900, cancellations: 2 },
    ]);
    assert.deepEqual(totals, [
      { currency: 'EUR', orders: 4, revenue: 1000, cancellations: 3 },
      { currency: 'USD', orders: 2, revenue: 500, cancellations: 0 },
    ]);
    assert.deepEqual(totalsOf([]), []);
  });

  it('refuse a revenue total that a JSON number could not hold exactly', () => {
    const big = Number.MAX_SAFE_INTEGER - 1;
    assert.throws(() =>
      totalsOf([
        { day: '2024-01-01', currency: 'EUR', orders: 1, revenue: big, cancellations: 0 },
        { day: '2024-01-02', currency: 'EUR', orders: 1, revenue: big, cancellations: 0 },
      ]),
    );
  });
});
