import { randomUUID } from 'node:crypto';
import { eventStreamType, streamIdOf, type AnyEvent, type RecordedEvent } from '@orderflow/contracts';
import type { ProjectedEvent } from '../projected-event.js';

const aggregateIdOf = (event: AnyEvent): string => {
  switch (eventStreamType[event.type]) {
    case 'Order':
      return (event.data as { orderId: string }).orderId;
    case 'Inventory':
      return (event.data as { productId: string }).productId;
    case 'Payment':
      return (event.data as { paymentId: string }).paymentId;
    case 'Shipment':
      return (event.data as { shipmentId: string }).shipmentId;
    default:
      throw new Error(`no stream for ${event.type}`);
  }
};

let position = 0n;

/** Records one event at `version` of its aggregate's stream, as the store would. */
export function recorded<E extends AnyEvent>(event: E, version: number, recordedAt?: Date): ProjectedEvent<E> {
  const streamType = eventStreamType[event.type];
  position += 1n;
  return {
    ...event,
    eventId: randomUUID(),
    streamId: streamIdOf(streamType, aggregateIdOf(event)),
    streamType,
    streamVersion: version,
    globalPosition: position,
    schemaVersion: 1,
    metadata: { correlationId: randomUUID(), causationId: null },
    recordedAt: recordedAt ?? new Date((event.data as { occurredAt: string }).occurredAt),
  } as ProjectedEvent<E>;
}

/** Numbers each stream's events 1, 2, 3 ... in the order given. */
export function recordAll(events: readonly AnyEvent[]): RecordedEvent[] {
  const versions = new Map<string, number>();
  return events.map((e) => {
    const key = streamIdOf(eventStreamType[e.type], aggregateIdOf(e));
    const version = (versions.get(key) ?? 0) + 1;
    versions.set(key, version);
    return recorded(e, version);
  });
}
