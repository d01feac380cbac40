import { createHash } from 'node:crypto';

/** What an order's fulfilment is planned on: its lines (product and quantity), total and currency. */
export type OrderPlan = Readonly<{
  currency: string;
  totalAmount: number;
  lines: readonly Readonly<{ productId: string; quantity: number }>[];
}>;

/**
 * A digest of an order's lines, total and currency, whatever the order of its lines. The
 * saga sends the digest of the order it reserved stock and took payment for with
 * ConfirmOrder, and the order refuses to be confirmed once it no longer matches: an item
 * added or removed meanwhile was neither reserved nor paid for.
 */
export function orderPlanDigest(plan: OrderPlan): string {
  // one entry per product, as reservations count them, however the lines were split
  const quantities = new Map<string, number>();
  for (const l of plan.lines) quantities.set(l.productId, (quantities.get(l.productId) ?? 0) + l.quantity);
  const lines = [...quantities].map(([productId, quantity]) => `${productId}\u0000${quantity}`).sort();
  return createHash('sha256').update(JSON.stringify([plan.currency, plan.totalAmount, lines])).digest('hex');
}
