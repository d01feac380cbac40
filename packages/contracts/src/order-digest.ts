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
  const lines = plan.lines.map((l) => `${l.productId}\u0000${l.quantity}`).sort();
  return createHash('sha256').update(JSON.stringify([plan.currency, plan.totalAmount, lines])).digest('hex');
}
