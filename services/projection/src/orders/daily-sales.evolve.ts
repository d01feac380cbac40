import { utcDayOf, type OrderStreamEvent } from '../projected-event.js';
import type { OrderView } from './order-view.js';

/** One row of daily_sales. */
export type DailySales = Readonly<{ day: string; currency: string; orders: number; revenue: number; cancellations: number }>;

/** A change to one day's figures, derived from an order event and the order around it. */
export type SalesFact = DailySales;

export const salesKeyString = (s: Pick<DailySales, 'day' | 'currency'>): string => `${s.day}|${s.currency}`;

const fact = (day: string, currency: string, change: Partial<Pick<DailySales, 'orders' | 'revenue' | 'cancellations'>>): SalesFact => ({
  day,
  currency,
  orders: change.orders ?? 0,
  revenue: change.revenue ?? 0,
  cancellations: change.cancellations ?? 0,
});

/**
 * Orders and revenue belong to the day the order was created (revenue follows later
 * item changes); a cancellation counts on the day it happened. The order row before and
 * after the event supplies what the event itself lacks (creation day, currency).
 */
export function salesFactsOf(before: OrderView | null, after: OrderView | null, event: OrderStreamEvent): SalesFact[] {
  switch (event.type) {
    case 'OrderCreated':
      return [fact(utcDayOf(event.data.occurredAt), event.data.currency, { orders: 1, revenue: event.data.totalAmount })];
    case 'OrderItemAdded':
    case 'OrderItemRemoved':
      if (before === null || after === null || after.totalAmount === before.totalAmount) return [];
      return [fact(utcDayOf(before.createdAt), before.currency, { revenue: after.totalAmount - before.totalAmount })];
    case 'OrderCancelled':
      return before === null ? [] : [fact(utcDayOf(event.data.occurredAt), before.currency, { cancellations: 1 })];
    default:
      return [];
  }
}

export function evolveDailySales(row: DailySales | null, change: SalesFact): DailySales {
  if (row === null) return change;
  return {
    ...row,
    orders: row.orders + change.orders,
    revenue: row.revenue + change.revenue,
    cancellations: row.cancellations + change.cancellations,
  };
}
