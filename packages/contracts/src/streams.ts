import type { StreamType } from './envelope.js';

/**
 * Stream ids are `<prefix>-<aggregate id>`. The prefix makes ids from different aggregate
 * types disjoint, so the `UNIQUE (stream_id, stream_version)` guard never mixes them.
 */
export const streamPrefixOf: Readonly<Record<StreamType, string>> = {
  Order: 'order',
  Inventory: 'inventory',
  Payment: 'payment',
  Shipment: 'shipment',
};

export const orderStreamType = 'Order' satisfies StreamType;
export const inventoryStreamType = 'Inventory' satisfies StreamType;
export const paymentStreamType = 'Payment' satisfies StreamType;
export const shipmentStreamType = 'Shipment' satisfies StreamType;

export const streamIdOf = (streamType: StreamType, aggregateId: string): string =>
  `${streamPrefixOf[streamType]}-${aggregateId}`;

export const orderStreamId = (orderId: string): string => streamIdOf('Order', orderId);
/** Inventory is kept per product (SKU). */
export const inventoryStreamId = (productId: string): string => streamIdOf('Inventory', productId);
export const paymentStreamId = (paymentId: string): string => streamIdOf('Payment', paymentId);
export const shipmentStreamId = (shipmentId: string): string => streamIdOf('Shipment', shipmentId);

/** Splits at the first `-` only: aggregate ids (UUIDs, SKUs) may contain dashes themselves. */
export function parseStreamId(streamId: string): { streamType: StreamType; aggregateId: string } | null {
  const dash = streamId.indexOf('-');
  if (dash <= 0 || dash === streamId.length - 1) return null;
  const prefix = streamId.slice(0, dash);
  const entry = Object.entries(streamPrefixOf).find(([, p]) => p === prefix);
  return entry ? { streamType: entry[0] as StreamType, aggregateId: streamId.slice(dash + 1) } : null;
}
