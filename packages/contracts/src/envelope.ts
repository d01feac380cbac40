/**
 * Metadata every event carries from the command that caused it to every consumer.
 * Correlation and causation ids and W3C trace context travel here and, on Kafka, as
 * headers, so later tooling (tracing, auditing, replay) can follow a flow end to end.
 */
export type EventMetadata = Readonly<{
  correlationId: string;
  causationId: string | null;
  userId?: string | null;
  traceparent?: string | null;
  tracestate?: string | null;
  /** The idempotency key / command id of the command that produced the event. */
  commandId?: string | null;
}>;

/** A domain event as deciders produce it: a plain readonly `{ type, data }`. */
export type DomainEvent<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

/** A domain command as deciders take it. The clock and ids arrive in `data`/`metadata`. */
export type DomainCommand<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  metadata: Readonly<{ now: Date; commandId: string }>;
}>;

/** An event as stored: position in the global log and in its stream. */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = E &
  Readonly<{
    eventId: string;
    streamId: string;
    streamType: string;
    streamVersion: number;
    globalPosition: bigint;
    schemaVersion: number;
    metadata: EventMetadata;
    recordedAt: Date;
  }>;

/** Kafka header names, stable across producers and consumers. */
export const KafkaHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  streamId: 'stream-id',
  streamType: 'stream-type',
  streamVersion: 'stream-version',
  globalPosition: 'global-position',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  recordedAt: 'recorded-at',
  // dead-letter headers
  dlqError: 'dlq-error',
  dlqAttempts: 'dlq-attempts',
  dlqSourceTopic: 'dlq-source-topic',
  dlqSourcePartition: 'dlq-source-partition',
  dlqSourceOffset: 'dlq-source-offset',
} as const;

/** Stream types, which are also the aggregate types. */
export const StreamTypes = ['Order', 'Inventory', 'Payment', 'Shipment'] as const;
export type StreamType = (typeof StreamTypes)[number];

/** One topic per aggregate type. */
export const topicOf: Readonly<Record<StreamType, string>> = {
  Order: 'orders.events',
  Inventory: 'inventory.events',
  Payment: 'payments.events',
  Shipment: 'shipments.events',
};

export const dlqTopicOf = (topic: string, consumerGroup: string): string => `${topic}.${consumerGroup}.dlq`;

/** Topic of a stream type under an optional prefix (tests isolate their topics with one). */
export const topicName = (streamType: StreamType, prefix = ''): string => `${prefix}${topicOf[streamType]}`;
