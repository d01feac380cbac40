import { KafkaHeaders, type RecordedEvent } from '@orderflow/contracts';
import type { OutgoingMessage } from './outbox-event.js';

/**
 * The Kafka record of an event. The key is the stream id: one aggregate is one stream, so
 * all its events land in one Kafka partition, in the order they are sent.
 */
export function outgoingMessageOf(topic: string, event: RecordedEvent, value: Buffer): OutgoingMessage {
  const { metadata } = event;
  const headers: Record<string, string> = {
    [KafkaHeaders.eventId]: event.eventId,
    [KafkaHeaders.eventType]: event.type,
    [KafkaHeaders.schemaVersion]: String(event.schemaVersion),
    [KafkaHeaders.streamId]: event.streamId,
    [KafkaHeaders.streamType]: event.streamType,
    [KafkaHeaders.streamVersion]: String(event.streamVersion),
    [KafkaHeaders.globalPosition]: event.globalPosition.toString(),
    [KafkaHeaders.recordedAt]: event.recordedAt.toISOString(),
  };
  // absent values are left out rather than sent as empty strings a consumer would misread
  const optional: [string, string | null | undefined][] = [
    [KafkaHeaders.correlationId, metadata.correlationId],
    [KafkaHeaders.causationId, metadata.causationId],
    [KafkaHeaders.traceparent, metadata.traceparent],
    [KafkaHeaders.tracestate, metadata.tracestate],
  ];
  for (const [name, value] of optional) {
    if (value) headers[name] = value;
  }
  return { topic, key: event.streamId, value, headers };
}
