import { laterOf, type OrderStreamEvent } from '../projected-event.js';

/** One row of customer_order_summaries. */
export type CustomerSummary = Readonly<{
  customerId: string;
  currency: string;
  orderCount: number;
  totalSpent: number;
  lastOrderAt: string | null;
}>;

export type CustomerKey = Readonly<{ customerId: string; currency: string }>;

export const customerKeyString = (k: CustomerKey): string => JSON.stringify([k.customerId, k.currency]);

/** Only order creation and captured payments move a summary; both carry the currency. */
export function customerKeyOf(event: OrderStreamEvent): CustomerKey | null {
  if (event.type === 'OrderCreated' || event.type === 'PaymentProcessed') {
    return { customerId: event.data.customerId, currency: event.data.currency };
  }
  return null;
}

const empty = (key: CustomerKey): CustomerSummary => ({ ...key, orderCount: 0, totalSpent: 0, lastOrderAt: null });

/**
 * Counts add up, so the same function folds a stored row or a batch's delta from an
 * empty one; the adapter adds deltas to stored rows.
 */
export function evolveCustomerSummary(row: CustomerSummary | null, event: OrderStreamEvent): CustomerSummary | null {
  const key = customerKeyOf(event);
  if (key === null) return row;
  const current = row ?? empty(key);
  if (event.type === 'OrderCreated') {
    return { ...current, orderCount: current.orderCount + 1, lastOrderAt: laterOf(current.lastOrderAt, event.data.occurredAt) };
  }
  if (event.type === 'PaymentProcessed') return { ...current, totalSpent: current.totalSpent + event.data.amount };
  return current;
}
