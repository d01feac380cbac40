import type pg from 'pg';
import { countOf, eventCountsByOrder, reservationCounts, type TypeCounts } from './event-ledger.js';
import type { OrderLine } from './orders.js';
import type { SagaStatus } from './sagas.js';

/**
 * "No step or compensation ran twice in effect", checked against the event store: each
 * effect of an order's saga is recorded at most once, and how the saga ended decides
 * which effects must be there and which must have been undone.
 */
export type PlacedOrder = Readonly<{ orderId: string; items: readonly OrderLine[] }>;

/** Effects an order has at most once, whatever happened. */
const onceAtMost = [
  'OrderCreated',
  'OrderConfirmed',
  'OrderCancelled',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentVoided',
  'ShipmentCreated',
  'ShipmentRejected',
  'ShipmentCancelled',
] as const;
const perLineOnceAtMost = ['InventoryReserved', 'InventoryReservationFailed', 'InventoryReleased'] as const;

function problemsOf(order: PlacedOrder, status: SagaStatus | undefined, events: TypeCounts | undefined, lines: ReadonlyMap<string, TypeCounts>): string[] {
  const problems: string[] = [];
  const n = (type: string) => countOf(events, type);
  const expect = (what: string, actual: number, wanted: number) => {
    if (actual !== wanted) problems.push(`${what}: ${actual}, expected ${wanted}`);
  };
  expect('OrderCreated', n('OrderCreated'), 1);
  for (const type of onceAtMost) if (n(type) > 1) problems.push(`${type} recorded ${n(type)} times`);
  for (const { productId } of order.items) {
    const line = lines.get(`${order.orderId}/${productId}`);
    for (const type of perLineOnceAtMost) if (countOf(line, type) > 1) problems.push(`${type} of ${productId} recorded ${countOf(line, type)} times`);
    const [reserved, released] = [countOf(line, 'InventoryReserved'), countOf(line, 'InventoryReleased')];
    if (status === 'COMPLETED') {
      expect(`InventoryReserved of ${productId}`, reserved, 1);
      expect(`InventoryReleased of ${productId}`, released, 0);
    } else {
      expect(`InventoryReleased of ${productId} (reserved ${reserved})`, released, reserved);
    }
  }
  switch (status) {
    case 'COMPLETED':
      for (const type of ['OrderConfirmed', 'PaymentAuthorized', 'ShipmentCreated']) expect(type, n(type), 1);
      for (const type of ['OrderCancelled', 'PaymentVoided', 'ShipmentCancelled']) expect(type, n(type), 0);
      break;
    case 'COMPENSATED':
      expect('OrderCancelled', n('OrderCancelled'), 1);
      expect('OrderConfirmed', n('OrderConfirmed'), 0);
      expect('PaymentVoided (per authorization)', n('PaymentVoided'), n('PaymentAuthorized'));
      expect('ShipmentCancelled (per shipment)', n('ShipmentCancelled'), n('ShipmentCreated'));
      break;
    default:
      problems.push(`saga ended ${status ?? 'nowhere'}`);
  }
  return problems;
}

/** Every order's problems, keyed by order id; an empty map means every saga's effects add up. */
export async function sagaEffectProblems(
  pool: pg.Pool,
  orders: readonly PlacedOrder[],
  statusOf: (orderId: string) => SagaStatus | undefined,
): Promise<Map<string, string[]>> {
  const ids = orders.map((o) => o.orderId);
  const [events, lines] = await Promise.all([eventCountsByOrder(pool, ids), reservationCounts(pool, ids)]);
  const problems = new Map<string, string[]>();
  for (const order of orders) {
    const found = problemsOf(order, statusOf(order.orderId), events.get(order.orderId), lines);
    if (found.length > 0) problems.set(order.orderId, found);
  }
  return problems;
}

/** The first few problems, readable in an assertion message. */
export const describeProblems = (problems: ReadonlyMap<string, string[]>, max = 5): string =>
  [...problems]
    .slice(0, max)
    .map(([id, p]) => `${id}: ${p.join(', ')}`)
    .join('\n');
