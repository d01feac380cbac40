import type pg from 'pg';
import type { SalesStore } from '../../analytics/sales.js';
import { toSafeInteger } from '../../orders/order-view.js';

type Row = { day: string; currency: string; orders: number | null; revenue: string | null; cancellations: number | null };

export function createSalesStore(pool: pg.Pool): SalesStore {
  return {
    daily: async (q) => {
      const params: unknown[] = [q.from, q.to];
      const currency = q.currency === undefined ? '' : `AND currency = $${params.push(q.currency)}`;
      // day as text: a pg date would become a JavaScript Date at local midnight and could shift a day
      const { rows } = await pool.query<Row>(
        `SELECT day::text AS day, currency, orders, revenue::text AS revenue, cancellations
           FROM daily_sales WHERE day BETWEEN $1::date AND $2::date ${currency}
          ORDER BY day, currency COLLATE "C"`,
        params,
      );
      return rows.map((r) => ({
        day: r.day,
        currency: r.currency,
        orders: r.orders ?? 0,
        revenue: toSafeInteger(r.revenue, 'revenue') ?? 0,
        cancellations: r.cancellations ?? 0,
      }));
    },
  };
}
