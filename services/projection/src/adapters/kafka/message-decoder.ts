import {
  KafkaHeaders,
  parseStreamId,
  streamIdOf,
  type EventMetadata,
  type RecordedEvent,
  type StreamType,
} from '@orderflow/contracts';
import { upcastEvent, type UpcastingOptions } from '@orderflow/event-store';
import type { EventCodec } from '@orderflow/platform';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { Envelope, KafkaSource } from '../../envelope.js';

export type DecodeFailure = Readonly<{
  ok: false;
  error: Error;
  /** The registry could not be reached: the message is not at fault, and is decoded again later. */
  transient: boolean;
  source: KafkaSource;
  /** From the headers or the key, when they name it: the aggregate to park. */
  streamId: string | null;
  streamType: StreamType | null;
  streamVersion: number | null;
}>;

export type DecodeResult = Readonly<{ ok: true; envelope: Envelope }> | DecodeFailure;

export type MessageDecoder = { decode(source: KafkaSource): Promise<DecodeResult> };

const headerText = (value: IHeaders[string]): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

export const toKafkaSource = (topic: string, partition: number, message: KafkaMessage): KafkaSource => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key,
  value: message.value,
  headers: Object.fromEntries(
    Object.entries(message.headers ?? {}).flatMap(([k, v]) => {
      const text = headerText(v);
      return text === undefined ? [] : [[k, text]];
    }),
  ),
});

const positiveInt = (text: string | undefined): number | null => {
  const n = Number(text);
  return text !== undefined && Number.isSafeInteger(n) && n > 0 ? n : null;
};

class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

function streamOf(source: KafkaSource, topicStreamType: StreamType | undefined) {
  const h = source.headers;
  const streamType = (h[KafkaHeaders.streamType] as StreamType | undefined) ?? topicStreamType ?? null;
  const key = source.key?.toString() ?? null;
  const fromKey = key === null ? null : parseStreamId(key) !== null ? key : streamType ? streamIdOf(streamType, key) : null;
  return { streamId: h[KafkaHeaders.streamId] ?? fromKey, streamType, streamVersion: positiveInt(h[KafkaHeaders.streamVersion]) };
}

const NETWORK_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|network/i;

/**
 * The registry answers 404 for a schema id it does not know: that message is poison. A
 * refused connection (which the client reports as status 400), a timeout or a 5xx says
 * nothing about the message.
 */
export function isRegistryUnavailable(error: unknown): boolean {
  const e = error as { status?: unknown; message?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : null;
  if (status === 404) return false;
  if (status !== null && (status >= 500 || status === 408 || status === 429)) return true;
  return typeof e?.message === 'string' && NETWORK_FAILURE.test(e.message);
}

const metadataOf = (h: Readonly<Record<string, string>>): EventMetadata => ({
  correlationId: h[KafkaHeaders.correlationId] ?? '',
  causationId: h[KafkaHeaders.causationId] ?? null,
  traceparent: h[KafkaHeaders.traceparent] ?? null,
  tracestate: h[KafkaHeaders.tracestate] ?? null,
});

/**
 * Turns a Kafka message into a recorded event: the value through the Schema Registry,
 * the envelope from the relay's headers, then upcast to the current schema version.
 * Every way this can fail (bytes that are not ours, an unknown schema id, a missing
 * header, a version newer than this code) is reported, never thrown.
 */
export function createMessageDecoder(
  codec: EventCodec,
  upcasting: UpcastingOptions,
  streamTypeOfTopic: (topic: string) => StreamType | undefined,
): MessageDecoder {
  async function toEvent(source: KafkaSource, stream: ReturnType<typeof streamOf>): Promise<RecordedEvent> {
    const h = source.headers;
    const type = h[KafkaHeaders.eventType];
    const eventId = h[KafkaHeaders.eventId];
    if (source.value === null) throw new MalformedMessageError('message has no value');
    if (!type || !eventId || !stream.streamId || !stream.streamType || stream.streamVersion === null) {
      throw new MalformedMessageError('message lacks event-type, event-id, stream id, stream type or stream-version');
    }
    const data = await codec.decode(source.value);
    const recordedAt = h[KafkaHeaders.recordedAt];
    const event: RecordedEvent = {
      eventId,
      type,
      data,
      streamId: stream.streamId,
      streamType: stream.streamType,
      streamVersion: stream.streamVersion,
      globalPosition: BigInt(h[KafkaHeaders.globalPosition] ?? '0'),
      schemaVersion: positiveInt(h[KafkaHeaders.schemaVersion]) ?? 1,
      metadata: metadataOf(h),
      recordedAt: recordedAt ? new Date(recordedAt) : new Date(0),
    };
    return upcastEvent(event, upcasting);
  }

  return {
    async decode(source) {
      const stream = streamOf(source, streamTypeOfTopic(source.topic));
      try {
        return { ok: true, envelope: { event: await toEvent(source, stream), source } };
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        return { ok: false, error, transient: isRegistryUnavailable(e), source, ...stream };
      }
    },
  };
}
