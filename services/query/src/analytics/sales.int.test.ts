import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, type Answer } from '../testing/api-client.js';
import { startQueryHarness, type QueryHarness } from '../testing/query-harness.js';
import { deleteSales, insertSales, randomCurrency, type SalesRow } from '../testing/read-model-rows.js';
import type { SalesReport } from './sales.js';

let h: QueryHarness;
const inserted: SalesRow[] = [];

before(async () => {
  h = await startQueryHarness();
});

after(async () => {
  await deleteSales(h.pool, inserted);
  await h.close();
});

const DAY_MS = 86_400_000;
const dayAfter = (start: number, n: number) => new Date(start + n * DAY_MS).toISOString().slice(0, 10);

/** Days far from any other suite's data, and currencies no other suite uses. */
function fixture() {
  const start = Date.UTC(2500 + Math.floor(Math.random() * 400), Math.floor(Math.random() * 12), 1 + Math.floor(Math.random() * 20));
  const [a, b] = [randomCurrency(), randomCurrency()];
  const cb = b === a ? `${a.slice(0, 2)}${a[2] === 'Z' ? 'Y' : 'Z'}` : b;
  const rows: SalesRow[] = [
    { day: dayAfter(start, 0), currency: a, orders: 3, revenue: 7_500, cancellations: 0 },
    { day: dayAfter(start, 0), currency: cb, orders: 1, revenue: 990, cancellations: 1 },
    { day: dayAfter(start, 2), currency: a, orders: 2, revenue: 4_000, cancellations: 1 },
    { day: dayAfter(start, 5), currency: a, orders: 4, revenue: 12_345, cancellations: 2 },
    { day: dayAfter(start, 5), currency: cb, orders: 2, revenue: 1_500, cancellations: 0 },
  ];
  return { start, a, b: cb, rows };
}

/** What the report must say, computed from the rows alone. */
function expected(rows: readonly SalesRow[], from: string, to: string, currency?: string) {
  const days = rows
    .filter((r) => r.day >= from && r.day <= to && (currency === undefined || r.currency === currency))
    .sort((x, y) => (x.day === y.day ? (x.currency < y.currency ? -1 : 1) : x.day < y.day ? -1 : 1));
  const currencies = [...new Set(days.map((d) => d.currency))].sort();
  const totals = currencies.map((c) => {
    const of = days.filter((d) => d.currency === c);
    const sum = (k: 'orders' | 'revenue' | 'cancellations') => of.reduce((n, d) => n + d[k], 0);
    return { currency: c, orders: sum('orders'), revenue: sum('revenue'), cancellations: sum('cancellations') };
  });
  return { from, to, days, totals };
}

describe('sales analytics', () => {
  it('returns the rows per day and currency in the range, with totals per currency', async () => {
    const { start, a, b, rows } = fixture();
    await insertSales(h.pool, rows);
    inserted.push(...rows);
    const cases: [string, string, string | undefined][] = [
      [dayAfter(start, 0), dayAfter(start, 5), undefined],
      [dayAfter(start, 1), dayAfter(start, 5), undefined],
      [dayAfter(start, 0), dayAfter(start, 2), a],
      [dayAfter(start, 0), dayAfter(start, 9), b],
      [dayAfter(start, 3), dayAfter(start, 4), undefined],
    ];
    for (const [from, to, currency] of cases) {
      const url = `/api/v1/analytics/sales?from=${from}&to=${to}${currency ? `&currency=${currency}` : ''}`;
      const body = await getJson<Answer<SalesReport>>(h.app, url);
      assert.deepEqual(body.data, expected(rows, from, to, currency), url);
      assert.deepEqual(body.meta, { lastUpdated: null, version: null, cached: false, stale: false });
    }
  });

  it('defaults to the 30 days ending today (UTC), or the 30 days from `from`', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const byDefault = await getJson<Answer<SalesReport>>(h.app, '/api/v1/analytics/sales');
    assert.equal(byDefault.data.to, today);
    assert.equal(byDefault.data.from, dayAfter(Date.parse(`${today}T00:00:00Z`), -29));
    const fromOnly = await getJson<Answer<SalesReport>>(h.app, '/api/v1/analytics/sales?from=2024-02-15');
    assert.deepEqual([fromOnly.data.from, fromOnly.data.to], ['2024-02-15', '2024-03-15']);
    const toOnly = await getJson<Answer<SalesReport>>(h.app, '/api/v1/analytics/sales?to=2024-03-01');
    assert.deepEqual([toOnly.data.from, toOnly.data.to], ['2024-02-01', '2024-03-01']);
  });
});

describe('inventory', () => {
  it('returns available and reserved units with the stream version', async () => {
    const productId = `sku-${crypto.randomUUID()}`;
    await h.pool.query('INSERT INTO inventory_views (product_id, available, reserved, version, updated_at) VALUES ($1, 7, 3, 4, $2)', [
      productId,
      '2024-06-01T12:00:00.000Z',
    ]);
    try {
      const body = await getJson<Answer<{ productId: string; available: number; reserved: number }>>(h.app, `/api/v1/inventory/${productId}`);
      assert.deepEqual(body, {
        data: { productId, available: 7, reserved: 3 },
        meta: { lastUpdated: '2024-06-01T12:00:00.000Z', version: 4, cached: false, stale: false },
      });
    } finally {
      await h.pool.query('DELETE FROM inventory_views WHERE product_id = $1', [productId]);
    }
  });

  it('answers 404 for a product the read model does not know', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/inventory/sku-${crypto.randomUUID()}` });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<{ code: string }>().code, 'INVENTORY_NOT_FOUND');
  });
});
