import type { AnyEvent, OrderLine, ShippingAddress } from '@orderflow/contracts';

/** What a scenario's events must add up to, computed here without the projection's code. */
export type ScenarioExpectation = Readonly<{
  orderVersions: ReadonlyMap<string, number>;
  orders: number;
  revenue: number;
  cancellations: number;
  spent: number;
  inventory: ReadonlyMap<string, { available: number; reserved: number }>;
}>;

export type Scenario = Readonly<{
  events: readonly AnyEvent[];
  orderIds: readonly string[];
  customerIds: readonly string[];
  productIds: readonly string[];
  currency: string;
  /** The UTC days its events fall on, first and last (YYYY-MM-DD). */
  days: Readonly<{ from: string; to: string }>;
  expected: ScenarioExpectation;
}>;

const address: ShippingAddress = { line1: '1 Test Street', city: 'Lyon', postalCode: '69001', country: 'FR' };
const STOCK = 1_000_000;

type Builder = {
  events: AnyEvent[];
  at: (minutes: number) => string;
  available: Map<string, number>;
  reserved: Map<string, number>;
  versions: Map<string, number>;
};

function orderEvent(b: Builder, e: AnyEvent): void {
  b.events.push(e);
  const orderId = (e.data as { orderId: string }).orderId;
  b.versions.set(orderId, (b.versions.get(orderId) ?? 0) + 1);
}

function reserve(b: Builder, orderId: string, lines: readonly OrderLine[], t: string): void {
  for (const l of lines) {
    const available = (b.available.get(l.productId) ?? 0) - l.quantity;
    b.available.set(l.productId, available);
    b.reserved.set(l.productId, (b.reserved.get(l.productId) ?? 0) + l.quantity);
    b.events.push({ type: 'InventoryReserved', data: { productId: l.productId, availableQuantity: available, occurredAt: t, orderId, quantity: l.quantity } });
  }
}

function release(b: Builder, orderId: string, lines: readonly OrderLine[], t: string): void {
  for (const l of lines) {
    const available = (b.available.get(l.productId) ?? 0) + l.quantity;
    b.available.set(l.productId, available);
    b.reserved.set(l.productId, (b.reserved.get(l.productId) ?? 0) - l.quantity);
    b.events.push({ type: 'InventoryReleased', data: { productId: l.productId, availableQuantity: available, occurredAt: t, orderId, quantity: l.quantity, reason: 'cancelled' } });
  }
}

/**
 * `orders` orders of a run, in causal order, exercising every event type: paid and
 * shipped, edited and confirmed, cancelled after a reservation, declined, and a
 * cancelled shipment with a voided payment. Times start at `baseDay` and spread over
 * several UTC days; ids carry `runId` so concurrent tests never share a row.
 */
export function orderScenario(opts: { orders: number; runId: string; currency: string; baseDay: Date }): Scenario {
  const { runId, currency } = opts;
  const products = [0, 1, 2, 3].map((k) => `sku-${runId}-${k}`);
  const customers = Array.from({ length: Math.max(1, Math.ceil(opts.orders / 7)) }, (_, k) => `cust-${runId}-${k}`);
  const b: Builder = { events: [], at: (m) => new Date(opts.baseDay.getTime() + m * 60_000).toISOString(), available: new Map(), reserved: new Map(), versions: new Map() };
  for (const productId of products) {
    b.available.set(productId, STOCK);
    b.events.push({ type: 'StockReplenished', data: { productId, availableQuantity: STOCK, occurredAt: b.at(0), quantity: STOCK } });
  }
  let revenue = 0;
  let cancellations = 0;
  let spent = 0;
  const orderIds: string[] = [];
  for (let i = 0; i < opts.orders; i += 1) {
    const orderId = `ord-${runId}-${i}`;
    const customerId = customers[i % customers.length] ?? 'none';
    const t = (k: number) => b.at(i * 7 + k);
    const lines: OrderLine[] = [
      { productId: products[i % 4] ?? 'x', quantity: 1 + (i % 3), unitPrice: 1000 + i },
      ...(i % 2 === 0 ? [{ productId: products[(i + 1) % 4] ?? 'x', quantity: 2, unitPrice: 250 }] : []),
    ];
    let total = lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0);
    const facts = { orderId, customerId };
    orderIds.push(orderId);
    orderEvent(b, { type: 'OrderCreated', data: { ...facts, occurredAt: t(1), currency, items: lines, totalAmount: total, shippingAddress: address, paymentMethod: { type: 'card', token: 'tok_visa' } } });
    reserve(b, orderId, lines, t(1));
    const paymentId = `pay-${runId}-${i}`;
    const shipmentId = `shp-${runId}-${i}`;
    const pay = { paymentId, orderId, currency, occurredAt: t(2) };
    const variant = i % 5;
    if (variant === 1) {
      total += 3 * 99;
      orderEvent(b, { type: 'OrderItemAdded', data: { ...facts, occurredAt: t(2), productId: `extra-${runId}`, quantity: 3, unitPrice: 99, currency, totalAmount: total } });
    }
    if (variant === 0 || variant === 1) {
      b.events.push({ type: 'PaymentAuthorized', data: { ...pay, amount: total, methodType: 'card', authorizationCode: 'A1', gatewayReference: `g-${i}` } });
      b.events.push({ type: 'PaymentCaptured', data: { ...pay, amount: total, occurredAt: t(3), captureReference: `c-${i}` } });
      orderEvent(b, { type: 'PaymentProcessed', data: { ...facts, occurredAt: t(3), paymentId, amount: total, currency } });
      spent += total;
      if (variant === 0) b.events.push({ type: 'ShipmentCreated', data: { shipmentId, orderId, occurredAt: t(4), carrier: 'sim', trackingNumber: `TRK-${i}`, labelUrl: null, shippingAddress: address } });
      orderEvent(b, { type: 'OrderConfirmed', data: { ...facts, occurredAt: t(5), totalAmount: total, currency, paymentId, shipmentId: variant === 0 ? shipmentId : null } });
      // every other shipped order as recorded before OrderShipped named a carrier
      const carrier = i % 10 === 0 ? { carrier: 'dhl' } : {};
      if (variant === 0) orderEvent(b, { type: 'OrderShipped', data: { ...facts, occurredAt: t(6), shipmentId, trackingNumber: `TRK-${i}`, ...carrier } });
    } else {
      if (variant === 3) b.events.push({ type: 'PaymentDeclined', data: { ...pay, amount: total, methodType: 'card', declineCode: 'card_declined', reason: 'declined' } });
      if (variant === 4) {
        b.events.push({ type: 'ShipmentCreated', data: { shipmentId, orderId, occurredAt: t(2), carrier: 'sim', trackingNumber: `TRK-${i}`, labelUrl: null, shippingAddress: address } });
        b.events.push({ type: 'ShipmentCancelled', data: { shipmentId, orderId, occurredAt: t(3), trackingNumber: `TRK-${i}`, reason: 'compensation' } });
        b.events.push({ type: 'PaymentAuthorized', data: { ...pay, amount: total, methodType: 'card', authorizationCode: 'A2', gatewayReference: `g-${i}` } });
        b.events.push({ type: 'PaymentVoided', data: { ...pay, amount: total, occurredAt: t(4), reason: 'compensation', voidReference: null } });
      }
      release(b, orderId, lines, t(5));
      orderEvent(b, { type: 'OrderCancelled', data: { ...facts, occurredAt: t(6), reason: `variant ${variant}`, previousStatus: 'pending' } });
      cancellations += 1;
    }
    revenue += total;
  }
  const inventory = new Map(products.map((p) => [p, { available: b.available.get(p) ?? 0, reserved: b.reserved.get(p) ?? 0 }]));
  return {
    events: b.events,
    orderIds,
    customerIds: customers,
    productIds: products,
    currency,
    days: { from: b.at(0).slice(0, 10), to: b.at(opts.orders * 7 + 7).slice(0, 10) },
    expected: { orderVersions: b.versions, orders: opts.orders, revenue, cancellations, spent, inventory },
  };
}

/**
 * A run of its own: random ids, a random three-letter currency and a random day in the
 * last century, so daily_sales rows (keyed by day and currency) are the run's alone.
 */
export function isolatedScenario(orders: number): Scenario {
  const runId = Math.random().toString(36).slice(2, 10);
  const letters = Array.from({ length: 3 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('');
  const baseDay = new Date(Date.UTC(1950, 0, 1) + Math.floor(Math.random() * 18_000) * 86_400_000 + 12 * 3_600_000);
  return orderScenario({ orders, runId, currency: letters, baseDay });
}
