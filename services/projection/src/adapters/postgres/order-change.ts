import type { OrderDetail } from '../../orders/order-view.js';

/** An order row a committed batch changed: what Redis and the NOTIFY channel hear about. */
export type OrderChange = Readonly<{ orderId: string; version: number; revision: string; detail: OrderDetail }>;
