import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sortValues } from './order-list-query.js';
import { allPages, getJson, type OrderPage } from '../testing/api-client.js';
import { startQueryHarness, type QueryHarness } from '../testing/query-harness.js';
import { deleteOrders, insertOrders, orderRow, uniqueId, type OrderRow } from '../testing/read-model-rows.js';

let h: QueryHarness;
const inserted: string[] = [];

before(async () => {
  h = await startQueryHarness();
});

after(async () => {
  await deleteOrders(h.pool, inserted);
  await h.close();
});

async function insert(rows: OrderRow[]): Promise<OrderRow[]> {
  await insertOrders(h.pool, rows);
  inserted.push(...rows.map((r) => r.orderId));
  return rows;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The expected order, computed here from the rows: field, then order id, both in the requested direction. */
function sorted(rows: readonly OrderRow[], sort = 'createdAt:desc'): string[] {
  const [field, direction] = sort.split(':') as [keyof OrderRow, 'asc' | 'desc'];
  const value = (r: OrderRow) => (field === 'createdAt' || field === 'updatedAt' ? Date.parse(r[field]) : r[field]);
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const byField = typeof x === 'number' && typeof y === 'number' ? x - y : byteOrder(String(x), String(y));
      return sign * (byField !== 0 ? Math.sign(byField) : byteOrder(a.orderId, b.orderId));
    })
    .map((r) => r.orderId);
}

/** A random day far from any other suite's data: the date filters then see only this test's rows. */
function isolatedDay(): Date {
  const year = 2400 + Math.floor(Math.random() * 500);
  return new Date(Date.UTC(year, Math.floor(Math.random() * 12), 1 + Math.floor(Math.random() * 27)));
}

const at = (day: Date, hours: number, plusDays = 0) => new Date(day.getTime() + plusDays * 86_400_000 + hours * 3_600_000).toISOString();
const dayOf = (day: Date, plusDays = 0) => at(day, 0, plusDays).slice(0, 10);

describe('order lists', () => {
  it("pages a customer's orders in every whitelisted sort, with ties broken by order id", async () => {
    const customerId = uniqueId('cust');
    const base = Date.UTC(2024, 0, 1);
    const statuses = ['PENDING', 'PAID', 'PAID', 'CANCELLED', 'SHIPPED', 'PENDING', 'CONFIRMED'];
    const rows = await insert(
      statuses.map((status, i) =>
        orderRow({
          customerId,
          status,
          // rows 1 and 2 share created_at and total, so the tiebreak decides
          createdAt: new Date(base + (i === 2 ? 1 : i) * 3_600_000).toISOString(),
          updatedAt: new Date(base + 86_400_000 + ((i * 5) % 7) * 60_000).toISOString(),
          totalAmount: i === 2 ? 2_000 : 1_000 + ((i * 3) % 7) * 500,
        }),
      ),
    );
    for (const sort of sortValues) {
      const { ids, pages } = await allPages(h.app, `/api/v1/customers/${customerId}/orders?sort=${sort}`, 3);
      assert.deepEqual(ids, sorted(rows, sort), sort);
      assert.deepEqual(
        pages.map((p) => [p.pagination.page, p.pagination.limit, p.pagination.total, p.pagination.totalPages, p.data.length]),
        [
          [1, 3, 7, 3, 3],
          [2, 3, 7, 3, 3],
          [3, 3, 7, 3, 1],
        ],
      );
    }
    const viaFilter = await allPages(h.app, `/api/v1/orders?customerId=${customerId}&sort=totalAmount:asc`, 2);
    assert.deepEqual(viaFilter.ids, sorted(rows, 'totalAmount:asc'));
  });

  it('defaults to 20 per page, newest first, and answers an empty page past the end with the total', async () => {
    const customerId = uniqueId('cust');
    const base = Date.UTC(2024, 5, 1);
    const rows = await insert(Array.from({ length: 23 }, (_, i) => orderRow({ customerId, createdAt: new Date(base + i * 60_000).toISOString() })));
    const first = await getJson<OrderPage>(h.app, `/api/v1/customers/${customerId}/orders`);
    assert.deepEqual(first.pagination, { page: 1, limit: 20, total: 23, totalPages: 2 });
    assert.deepEqual(
      first.data.map((o) => o.orderId),
      sorted(rows).slice(0, 20),
    );
    const beyond = await getJson<OrderPage>(h.app, `/api/v1/customers/${customerId}/orders?page=5`);
    assert.deepEqual(beyond.data, []);
    assert.equal(beyond.pagination.total, 23);
    assert.equal(beyond.meta.lastUpdated, null);
  });

  it('returns the full view of each order, and describes the page in meta', async () => {
    const customerId = uniqueId('cust');
    const [row] = await insert([
      orderRow({
        customerId,
        status: 'SHIPPED',
        version: 5,
        payment: { paymentId: uniqueId('pay'), status: 'CAPTURED', amount: 2500 },
        shipment: { shipmentId: uniqueId('shp'), carrier: 'DHL', trackingNumber: 'TRK1' },
        createdAt: '2024-03-01T10:00:00.000Z',
        updatedAt: '2024-03-02T11:00:00.000Z',
      }),
    ]);
    const page = await getJson<OrderPage>(h.app, `/api/v1/customers/${customerId}/orders`);
    const { currency, totalAmount, items, shippingAddress, payment, shipment, status, version, createdAt, updatedAt } = row!;
    assert.deepEqual(page.data, [
      {
        orderId: row!.orderId,
        customerId,
        status,
        currency,
        totalAmount,
        itemCount: 2,
        items,
        shippingAddress,
        payment,
        shipment,
        cancellationReason: null,
        version,
        createdAt,
        updatedAt,
      },
    ]);
    assert.equal(page.meta.lastUpdated, '2024-03-02T11:00:00.000Z');
    assert.equal(page.meta.cached, false);
    assert.equal(page.meta.stale, false);
    assert.equal(typeof page.meta.version, 'number');
  });

  it('filters by status and by creation time, dates covering whole UTC days and instants inclusive', async () => {
    const day = isolatedDay();
    const customerId = uniqueId('cust');
    const plan: [string, number, number][] = [
      ['PAID', 0, 1],
      ['PENDING', 0, 23.5],
      ['PAID', 1, 0],
      ['CANCELLED', 1, 6],
      ['PAID', 1, 12],
      ['SHIPPED', 2, 12],
      ['PAID', 2, 23.99],
    ];
    const rows = await insert(plan.map(([status, d, hours]) => orderRow({ customerId, status, createdAt: at(day, hours, d) })));
    const created = (r: OrderRow) => Date.parse(r.createdAt);
    const within = (from: number, to: number) => rows.filter((r) => created(r) >= from && created(r) <= to);

    const firstDay = await allPages(h.app, `/api/v1/orders?from=${dayOf(day)}&to=${dayOf(day)}`, 100);
    assert.deepEqual(firstDay.ids, sorted(within(Date.parse(at(day, 0)), Date.parse(at(day, 0, 1)) - 1)));
    assert.equal(firstDay.ids.length, 2);

    // instants: both ends inclusive, the 06:00 and 12:00 rows sit exactly on them
    const from = at(day, 6, 1);
    const to = at(day, 12, 2);
    const window = await allPages(h.app, `/api/v1/orders?from=${from}&to=${to}&sort=createdAt:asc`, 2);
    assert.deepEqual(window.ids, sorted(within(Date.parse(from), Date.parse(to)), 'createdAt:asc'));
    assert.equal(window.ids.length, 3);

    const range = `from=${dayOf(day)}&to=${dayOf(day, 2)}`;
    const paid = await allPages(h.app, `/api/v1/orders/status/PAID?${range}`, 3);
    assert.deepEqual(paid.ids, sorted(rows.filter((r) => r.status === 'PAID')));
    assert.equal(paid.ids.length, 4);

    const paidViaFilter = await allPages(h.app, `/api/v1/orders?status=PAID&${range}&sort=createdAt:asc`, 100);
    assert.deepEqual(paidViaFilter.ids, sorted(rows.filter((r) => r.status === 'PAID'), 'createdAt:asc'));

    const onlyFrom = await allPages(h.app, `/api/v1/orders/status/SHIPPED?from=${dayOf(day, 2)}`, 100);
    assert.ok(onlyFrom.ids.includes(rows[5]!.orderId));
    const onlyTo = await allPages(h.app, `/api/v1/customers/${customerId}/orders?to=${dayOf(day, 1)}&status=PAID`, 100);
    assert.deepEqual(onlyTo.ids, sorted(rows.filter((r) => r.status === 'PAID' && created(r) < Date.parse(at(day, 0, 2)))));
  });
});

describe('order search', () => {
  it('finds orders by product id, customer id and order id prefix, with the status filter', async () => {
    const customerId = uniqueId('cust');
    const other = uniqueId('cust');
    const sku = uniqueId('sku');
    const line = (productId: string) => ({ productId, quantity: 1, unitPrice: 100, lineTotal: 100 });
    const rows = await insert([
      orderRow({ customerId, status: 'PAID', items: [line(sku), line(uniqueId('sku'))], createdAt: '2024-04-01T00:00:00.000Z' }),
      orderRow({ customerId, status: 'PENDING', items: [line(uniqueId('sku'))], createdAt: '2024-04-02T00:00:00.000Z' }),
      orderRow({ customerId: other, status: 'PAID', items: [line(sku)], createdAt: '2024-04-03T00:00:00.000Z' }),
      orderRow({ customerId: other, status: 'SHIPPED', items: [line(uniqueId('sku'))], createdAt: '2024-04-04T00:00:00.000Z' }),
    ]);
    const idsOf = (pred: (r: OrderRow) => boolean) => new Set(rows.filter(pred).map((r) => r.orderId));
    const search = async (query: string, limit = 100) => {
      const { ids } = await allPages(h.app, `/api/v1/orders/search?${query}`, limit);
      return ids;
    };

    assert.deepEqual(new Set(await search(`q=${sku}`)), idsOf((r) => r.items.some((i) => i.productId === sku)));
    assert.deepEqual(new Set(await search(`q=${customerId}`, 1)), idsOf((r) => r.customerId === customerId));
    assert.deepEqual(new Set(await search(`q=${other}&status=SHIPPED`)), idsOf((r) => r.customerId === other && r.status === 'SHIPPED'));
    assert.deepEqual(
      new Set(await search(`q=${encodeURIComponent(`${customerId} or ${other}`)}&status=PAID`)),
      idsOf((r) => r.status === 'PAID'),
    );

    const target = rows[3]!.orderId;
    const prefix = target.slice(0, 14);
    const byPrefix = await search(`q=${prefix}`);
    assert.deepEqual(byPrefix, [target]);
    // LIKE wildcards in the text are literal: unescaped, `_` would match the target's 11th character
    const wildcard = `${target.slice(0, 10)}_${target.slice(11, 16)}`;
    assert.deepEqual(await search(`q=${encodeURIComponent(wildcard)}`), []);
    assert.deepEqual(await search(`q=${encodeURIComponent(target.slice(0, 10))}%25`), []);
  });

  it('ranks an order whose id starts with the text before other matches', async () => {
    const customerId = uniqueId('cust');
    const target = orderRow({ customerId, createdAt: '2020-01-01T00:00:00.000Z' });
    // a newer order whose customer id is the target's order id: a text match, but not an id prefix
    const decoy = orderRow({ customerId: target.orderId, createdAt: '2030-01-01T00:00:00.000Z' });
    await insert([target, decoy]);
    const page = await getJson<OrderPage>(h.app, `/api/v1/orders/search?q=${target.orderId}`);
    assert.deepEqual(
      page.data.map((o) => o.orderId),
      [target.orderId, decoy.orderId],
    );
    assert.equal(page.pagination.total, 2);
  });
});
