import type { RecordedEvent, StreamType } from '@orderflow/contracts';

export type ProjectionName = 'orders' | 'inventory';

/**
 * A projection consumes whole streams: it records the last version it applied of each
 * stream it reads (dedupe, gap detection, parking) even for event types it ignores.
 */
export type ProjectionDefinition = Readonly<{
  name: ProjectionName;
  streamTypes: readonly StreamType[];
  /**
   * Rows that several streams write (an order's row is touched by its Order, Payment and
   * Shipment streams) are serialised on these keys, besides the stream's own key.
   */
  lockKeysOf: (event: RecordedEvent) => readonly string[];
}>;

const orderIdOf = (event: RecordedEvent): string | null =>
  'orderId' in event.data && typeof event.data.orderId === 'string' ? event.data.orderId : null;

/** order_views (+ payment and shipment facts), customer_order_summaries, daily_sales. */
export const ordersProjection: ProjectionDefinition = {
  name: 'orders',
  streamTypes: ['Order', 'Payment', 'Shipment'],
  lockKeysOf: (event) => {
    const orderId = orderIdOf(event);
    return orderId === null ? [] : [`order:${orderId}`];
  },
};

/** inventory_views: one row per product, written only by that product's stream. */
export const inventoryProjection: ProjectionDefinition = {
  name: 'inventory',
  streamTypes: ['Inventory'],
  lockKeysOf: () => [],
};

export const projections: readonly ProjectionDefinition[] = [ordersProjection, inventoryProjection];

export const projectionOf = (streamType: string): ProjectionDefinition | undefined =>
  projections.find((p) => (p.streamTypes as readonly string[]).includes(streamType));
