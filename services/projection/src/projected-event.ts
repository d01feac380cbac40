import {
  eventStreamType,
  isEventType,
  parseStreamId,
  type AnyEvent,
  type InventoryEvent,
  type OrderEvent,
  type PaymentEvent,
  type RecordedEvent,
  type ShipmentEvent,
} from '@orderflow/contracts';

/** An event as projections take it: recorded, upcast to the current schema version. */
export type ProjectedEvent<E extends AnyEvent = AnyEvent> = RecordedEvent<E>;

export type OrderStreamEvent = ProjectedEvent<OrderEvent>;
export type PaymentStreamEvent = ProjectedEvent<PaymentEvent>;
export type ShipmentStreamEvent = ProjectedEvent<ShipmentEvent>;
export type InventoryStreamEvent = ProjectedEvent<InventoryEvent>;

/** The later of two ISO instants; null counts as "never". */
export function laterOf(a: string | null, b: string): string {
  if (a === null) return b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** The UTC calendar day of an ISO instant, `YYYY-MM-DD`. */
export const utcDayOf = (instant: string): string => new Date(instant).toISOString().slice(0, 10);

/**
 * Narrows a stored or decoded event to the types projections know. Unknown types (a
 * newer producer) and events on a stream of another type are not ours to interpret.
 */
export function asProjectedEvent(event: RecordedEvent): ProjectedEvent | null {
  if (!isEventType(event.type) || eventStreamType[event.type] !== event.streamType) return null;
  return event as ProjectedEvent;
}

/** An event belongs to the aggregate its stream names; anything else is a corrupt message. */
export function assertOwnedBy(event: ProjectedEvent, aggregateId: string): void {
  const parsed = parseStreamId(event.streamId);
  if (parsed === null || parsed.aggregateId !== aggregateId) {
    throw new Error(`${event.type} ${event.eventId} names ${aggregateId} but was recorded on stream ${event.streamId}`);
  }
}
