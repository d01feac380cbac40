import { randomUUID } from 'node:crypto';
import { KafkaHeaders } from '@orderflow/contracts';
import type { EventCodec } from '@orderflow/platform';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { sagaEventTypes, toSagaInput } from '../../order-saga/order-saga.inputs.js';
import type { SourcedInput } from '../../order-saga/order-saga.handler.js';

/** What the boundary log line of a message names. */
export type MessageFacts = Readonly<{ eventType: string; correlationId?: string; causationId?: string }>;

/**
 * A Kafka message made ready for the saga: `skip` (not an event the saga reacts to),
 * `ready` (decoded into a saga input), or `failed` (it could not be decoded; it is tried
 * again on its own and parked if it keeps failing).
 */
export type PreparedMessage =
  | Readonly<{ kind: 'skip'; message: KafkaMessage }>
  | Readonly<{ kind: 'ready'; message: KafkaMessage; event: SourcedInput; facts: MessageFacts }>
  | Readonly<{ kind: 'failed'; message: KafkaMessage; error: unknown }>;

/** Never rejects: a message's own failure is an outcome, so one bad message cannot sink its batch. */
export async function prepareMessage(codec: EventCodec, topic: string, message: KafkaMessage): Promise<PreparedMessage> {
  try {
    const event = await toSourcedInput(codec, topic, message);
    if (!event) return { kind: 'skip', message };
    return { kind: 'ready', message, ...event };
  } catch (error) {
    return { kind: 'failed', message, error };
  }
}

/** Decodes a message into a saga input with its dedupe key and trace; null when the saga has no use for it. */
export async function toSourcedInput(
  codec: EventCodec,
  topic: string,
  message: KafkaMessage,
): Promise<Readonly<{ event: SourcedInput; facts: MessageFacts }> | null> {
  const headers = headerStrings(message.headers);
  const eventType = headers[KafkaHeaders.eventType] ?? '';
  if (!sagaEventTypes.has(eventType)) return null;
  if (!message.value) throw new Error(`${eventType} message without a value`);
  const data = await codec.decode(message.value);
  const input = toSagaInput(eventType, data, { now: new Date(), correlationId: headers[KafkaHeaders.correlationId] ?? null, newId: randomUUID });
  if (!input) return null;
  const streamId = headers[KafkaHeaders.streamId] ?? null;
  const version = headers[KafkaHeaders.streamVersion];
  const streamVersion = version === undefined ? null : Number(version);
  // the event id is the dedupe key; the stream position stands in for a producer without one
  const eventId = headers[KafkaHeaders.eventId] ?? `${streamId ?? topic}@${streamVersion ?? message.offset}`;
  const trace = { traceparent: headers[KafkaHeaders.traceparent] ?? null, tracestate: headers[KafkaHeaders.tracestate] ?? null };
  return {
    event: { input, eventId, streamId, streamVersion, trace },
    facts: { eventType, correlationId: headers[KafkaHeaders.correlationId], causationId: headers[KafkaHeaders.causationId] },
  };
}

function headerStrings(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : first.toString();
  }
  return out;
}
