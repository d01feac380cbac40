import avro from 'avsc';
import { StreamTypes, topicName, type RecordedEvent, type StreamType } from '@orderflow/contracts';
import { upcastEvent, type UpcastingOptions } from '@orderflow/event-store';
import type { AvroRecord, EventCodec } from '@orderflow/platform';
import type { OutgoingMessage, ParkReason } from './outbox-event.js';
import { outgoingMessageOf } from './outbox-message.js';

/** An event that will fail the same way on every attempt: park it, do not retry it. */
export class UnpublishableEventError extends Error {
  constructor(
    readonly reason: ParkReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnpublishableEventError';
  }
}

export type EventEncoderOptions = Readonly<{
  codec: EventCodec;
  schemas: Readonly<Record<string, AvroRecord>>;
  upcasting: UpcastingOptions;
  topicPrefix: string;
}>;

export type EventEncoder = {
  /** Throws UnpublishableEventError for a bad event; any other error is transient. */
  encode(event: RecordedEvent): Promise<OutgoingMessage>;
};

const isStreamType = (value: string): value is StreamType => (StreamTypes as readonly string[]).includes(value);

export function createEventEncoder(options: EventEncoderOptions): EventEncoder {
  // Validated here, without the network, so that a registry outage (transient) is never
  // mistaken for bad data (permanent) and parked.
  const types = new Map<string, avro.Type>();
  const typeOf = (eventType: string, schema: AvroRecord): avro.Type => {
    let type = types.get(eventType);
    if (!type) {
      type = avro.Type.forSchema(schema as avro.Schema);
      types.set(eventType, type);
    }
    return type;
  };

  const upcast = (event: RecordedEvent): RecordedEvent => {
    try {
      return upcastEvent(event, options.upcasting);
    } catch (e) {
      throw new UnpublishableEventError('UPCAST_FAILED', e instanceof Error ? e.message : String(e));
    }
  };

  const validate = (event: RecordedEvent): void => {
    const schema = options.schemas[event.type];
    if (!schema) throw new UnpublishableEventError('UNKNOWN_EVENT_TYPE', `no schema for event type ${event.type}`);
    const invalid: string[] = [];
    const valid = typeOf(event.type, schema).isValid(event.data, {
      errorHook: (path) => invalid.push(path.join('.') || '(root)'),
    });
    if (!valid) {
      throw new UnpublishableEventError(
        'SCHEMA_REJECTED_DATA',
        `${event.type} data does not match its schema at: ${invalid.join(', ')}`,
      );
    }
  };

  return {
    async encode(stored) {
      if (!isStreamType(stored.streamType)) {
        throw new UnpublishableEventError('UNKNOWN_STREAM_TYPE', `no topic for stream type ${stored.streamType}`);
      }
      const topic = topicName(stored.streamType, options.topicPrefix);
      const event = upcast(stored);
      validate(event);
      const value = await options.codec.encode(topic, event.type, event.data);
      return outgoingMessageOf(topic, event, value);
    },
  };
}
