import type { FastifyInstance } from 'fastify';
import { salesReport, type SalesStore } from '../analytics/sales.js';
import { addDays, daysBetween, todayUtc } from './created-range.js';
import { envelope } from './envelope.js';
import { badParameter, parameterErrors } from './param-errors.js';
import { envelopeSchema, problemSchema, querystring } from './schemas.js';

export type SalesRoutesOptions = Readonly<{ store: SalesStore; now?: () => Date }>;

/** A year and a day: enough for any yearly report, small enough to answer in one query. */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

const DAY_HINT = 'must be an ISO 8601 date such as 2024-01-31';
const day = (description: string) => ({ type: 'string', format: 'date', description });

const totals = { type: 'integer' };
const salesSchema = {
  type: 'object',
  properties: {
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    days: {
      type: 'array',
      items: {
        type: 'object',
        properties: { day: { type: 'string', format: 'date' }, currency: { type: 'string' }, orders: totals, revenue: totals, cancellations: totals },
      },
    },
    totals: {
      type: 'array',
      description: 'One entry per currency; amounts in different currencies are never summed',
      items: { type: 'object', properties: { currency: { type: 'string' }, orders: totals, revenue: totals, cancellations: totals } },
    },
  },
};

type SalesQs = { from?: string; to?: string; currency?: string };

export async function salesRoutes(app: FastifyInstance, opts: SalesRoutesOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  app.get<{ Querystring: SalesQs }>(
    '/analytics/sales',
    {
      schemaErrorFormatter: parameterErrors({ from: DAY_HINT, to: DAY_HINT }),
      schema: {
        tags: ['analytics'],
        summary: `Daily sales per currency (orders and revenue by creation day, cancellations by the day they happened), with totals`,
        description: `from and to are inclusive UTC days, at most ${MAX_RANGE_DAYS} apart; by default the last ${DEFAULT_RANGE_DAYS} days.`,
        querystring: querystring({
          from: day('First day, inclusive'),
          to: day('Last day, inclusive; default today (UTC)'),
          currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
        }),
        response: { 200: envelopeSchema(salesSchema), 400: problemSchema },
      },
    },
    async (req) => {
      const to = req.query.to ?? (req.query.from ? addDays(req.query.from, DEFAULT_RANGE_DAYS - 1) : todayUtc(now()));
      const from = req.query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
      const span = daysBetween(from, to);
      if (span < 1) throw badParameter('from', 'from must not be after to', 'INVALID_DATE_RANGE');
      if (span > MAX_RANGE_DAYS) throw badParameter('to', `from and to must be at most ${MAX_RANGE_DAYS} days apart`, 'DATE_RANGE_TOO_LARGE');
      const report = await salesReport(opts.store, { from, to, ...(req.query.currency ? { currency: req.query.currency } : {}) });
      // aggregates have no single version; freshness is that of the rows the projection last wrote
      return envelope(report, { lastUpdated: null, version: null, cached: false, stale: false });
    },
  );
}
