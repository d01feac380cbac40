import type pg from 'pg';
import { rowToView, type OrderView, type OrderViewRow } from '../../orders/order-view.js';
import { sortColumns, type OrderListQuery, type Page } from '../../orders/order-list-query.js';
import type { OrderViewReader } from '../../orders/ports.js';

const COLUMNS = `order_id, customer_id, status, currency, total_amount::text AS total_amount, item_count, items,
  shipping_address, payment, shipment, cancellation_reason, version, created_at, updated_at`;

/**
 * The ids the search column indexes are single tokens, not words: the `simple`
 * configuration keeps them as written (no stemming, no stop words), as the projection
 * does when it builds `search`.
 */
const SEARCH_CONFIG = 'simple';

type Where = { clauses: string[]; params: unknown[] };

const bind = (where: Where, value: unknown): string => {
  where.params.push(value);
  return `$${where.params.length}`;
};

function listWhere(q: OrderListQuery): Where {
  const where: Where = { clauses: [], params: [] };
  if (q.status !== undefined) where.clauses.push(`status = ${bind(where, q.status)}`);
  if (q.customerId !== undefined) where.clauses.push(`customer_id = ${bind(where, q.customerId)}`);
  if (q.createdFrom !== undefined) where.clauses.push(`created_at >= ${bind(where, q.createdFrom)}::timestamptz`);
  if (q.createdTo !== undefined) {
    where.clauses.push(`created_at ${q.createdTo.inclusive ? '<=' : '<'} ${bind(where, q.createdTo.at)}::timestamptz`);
  }
  return where;
}

const whereSql = (w: Where) => (w.clauses.length ? `WHERE ${w.clauses.join(' AND ')}` : '');

/**
 * Count and page in one statement, so `total` and the rows come from one snapshot and one
 * round trip; the LEFT JOIN keeps the count when the page is past the end.
 */
async function pageOf(pool: pg.Pool, where: Where, from: string, orderBy: string, limit: number, page: number): Promise<Page<OrderView>> {
  const limitParam = bind(where, limit);
  const offsetParam = bind(where, (page - 1) * limit);
  const sql = `SELECT c.total, p.* FROM (SELECT count(*)::text AS total FROM ${from} ${whereSql(where)}) c
    LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM ${from} ${whereSql(where)} ORDER BY ${orderBy} LIMIT ${limitParam} OFFSET ${offsetParam}) p ON true`;
  const { rows } = await pool.query<OrderViewRow & { total: string }>(sql, where.params);
  const total = Number(rows[0]?.total ?? 0);
  return { total, items: rows.filter((r) => r.order_id !== null).map(rowToView) };
}

/** LIKE treats `%`, `_` and the escape character as syntax; an id prefix must match literally. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createOrderViewStore(pool: pg.Pool): OrderViewReader {
  return {
    find: async (orderId) => {
      const { rows } = await pool.query<OrderViewRow>(`SELECT ${COLUMNS} FROM order_views WHERE order_id = $1`, [orderId]);
      return rows[0] ? rowToView(rows[0]) : null;
    },
    list: (q) => {
      const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC';
      // order_id in byte order breaks ties, so pages never overlap or skip rows
      const orderBy = `${sortColumns[q.sort.field]} ${dir} NULLS LAST, order_id COLLATE "C" ${dir}`;
      return pageOf(pool, listWhere(q), 'order_views', orderBy, q.limit, q.page);
    },
    search: (q) => {
      const where: Where = { clauses: [], params: [] };
      const tsq = bind(where, q.text);
      const prefix = bind(where, likePrefix(q.text));
      where.clauses.push(`(search @@ websearch_to_tsquery('${SEARCH_CONFIG}', ${tsq}) OR order_id LIKE ${prefix})`);
      if (q.status !== undefined) where.clauses.push(`status = ${bind(where, q.status)}`);
      // an order whose id starts with the text is what the caller most likely meant
      const orderBy = `(order_id LIKE ${prefix}) DESC, ts_rank(search, websearch_to_tsquery('${SEARCH_CONFIG}', ${tsq})) DESC,
        created_at DESC NULLS LAST, order_id COLLATE "C"`;
      return pageOf(pool, where, 'order_views', orderBy, q.limit, q.page);
    },
  };
}
