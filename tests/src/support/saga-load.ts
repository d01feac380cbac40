import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { stockLedger } from './event-ledger.js';
import { mapConcurrent } from './poll.js';
import { createOrder, orderBody, replenish, type OrderLine } from './orders.js';
import type { PlacedOrder } from './saga-effects.js';
import type { SagaStatus } from './sagas.js';

/**
 * A batch of orders whose sagas end in every way: most complete, some are declined, some
 * cannot ship, and one product is scarce so that reservations race for it and some fail.
 */
export type SagaMix = Readonly<{
  products: readonly string[];
  scarce: string;
  stock: ReadonlyMap<string, number>;
  orders: readonly PlannedOrder[];
}>;

export type PlannedOrder = Readonly<{
  items: readonly OrderLine[];
  /** This order cannot complete: its card declines or its address cannot be served. */
  doomed: boolean;
  token: string;
  country: string;
}>;

export function planSagaMix(count: number, opts: Readonly<{ scarceStock?: number; plentifulStock?: number }> = {}): SagaMix {
  const products = [0, 1, 2].map(() => `sku-${randomUUID()}`);
  const scarce = `sku-${randomUUID()}`;
  const stock = new Map<string, number>([...products.map((p): [string, number] => [p, opts.plentifulStock ?? 10_000]), [scarce, opts.scarceStock ?? 30]]);
  const orders = Array.from({ length: count }, (_, i): PlannedOrder => {
    const items: OrderLine[] = [{ productId: products[i % products.length] as string, quantity: 1 + (i % 3), unitPrice: 1000 + i }];
    if (i % 4 === 0) items.push({ productId: scarce, quantity: 2, unitPrice: 700 });
    const token = i % 10 === 3 ? 'tok_declined' : 'tok_visa';
    const country = i % 10 === 7 ? 'XX' : 'FR';
    return { items, doomed: token !== 'tok_visa' || country !== 'FR', token, country };
  });
  return { products: [...products, scarce], scarce, stock, orders };
}

export async function stockUp(commandUrl: string, mix: SagaMix): Promise<void> {
  for (const [productId, quantity] of mix.stock) await replenish(commandUrl, productId, quantity);
}

/** Places every order over REST from `clients` concurrent clients; keeps the input order. */
export async function placeOrders(commandUrl: string, mix: SagaMix, clients: number): Promise<PlacedOrder[]> {
  return mapConcurrent(mix.orders, clients, async (o) => {
    const accepted = await createOrder(commandUrl, orderBody({ items: [...o.items], token: o.token, country: o.country }));
    return { orderId: accepted.aggregateId, items: o.items };
  });
}

/**
 * Stock arithmetic per product from the event store: what was replenished is what is
 * available plus what completed orders hold; every other reservation was given back.
 * Returns a line per product that does not balance.
 */
export async function stockImbalances(
  pool: pg.Pool,
  mix: SagaMix,
  placed: readonly PlacedOrder[],
  statusOf: (orderId: string) => SagaStatus | undefined,
): Promise<string[]> {
  const held = new Map<string, number>(mix.products.map((p) => [p, 0]));
  for (const order of placed) {
    if (statusOf(order.orderId) !== 'COMPLETED') continue;
    for (const line of order.items) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity);
  }
  const ledger = await stockLedger(pool, mix.products);
  const problems: string[] = [];
  for (const productId of mix.products) {
    const s = ledger.get(productId);
    const h = held.get(productId) ?? 0;
    const figures = `replenished ${s?.replenished}, available ${s?.available}, held by completed orders ${h}, reserved ${s?.reserved}, released ${s?.released}`;
    if (!s || s.replenished !== mix.stock.get(productId)) problems.push(`${productId}: replenishment not recorded once (${figures})`);
    else if (s.replenished !== s.available + h) problems.push(`${productId}: replenished != available + held (${figures})`);
    else if (s.reserved - s.released !== h) problems.push(`${productId}: reserved - released != held (${figures})`);
  }
  return problems;
}
