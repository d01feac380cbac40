export type DailySalesRow = Readonly<{ day: string; currency: string; orders: number; revenue: number; cancellations: number }>;

/** `from` and `to` are inclusive UTC days. */
export type SalesQuery = Readonly<{ from: string; to: string; currency?: string }>;

/** The daily_sales read model. */
export type SalesStore = { daily(query: SalesQuery): Promise<readonly DailySalesRow[]> };

export type CurrencyTotal = Readonly<{ currency: string; orders: number; revenue: number; cancellations: number }>;

export type SalesReport = Readonly<{ from: string; to: string; days: readonly DailySalesRow[]; totals: readonly CurrencyTotal[] }>;

/**
 * Totals are per currency: amounts in different currencies are never added together.
 * Days without sales have no row; the caller sees gaps rather than invented zeros.
 */
export function totalsOf(days: readonly DailySalesRow[]): CurrencyTotal[] {
  const byCurrency = new Map<string, { orders: number; revenue: number; cancellations: number }>();
  for (const d of days) {
    const t = byCurrency.get(d.currency) ?? { orders: 0, revenue: 0, cancellations: 0 };
    t.orders += d.orders;
    t.revenue += d.revenue;
    t.cancellations += d.cancellations;
    byCurrency.set(d.currency, t);
  }
  return [...byCurrency]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, t]) => {
      if (!Number.isSafeInteger(t.revenue)) throw new Error(`revenue total for ${currency} exceeds the safe integer range`);
      return { currency, ...t };
    });
}

export async function salesReport(store: SalesStore, query: SalesQuery): Promise<SalesReport> {
  const days = await store.daily(query);
  return { from: query.from, to: query.to, days, totals: totalsOf(days) };
}
