import { SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry';

/**
 * Encodes event data for Kafka through the Schema Registry (Avro, Confluent wire
 * format: magic byte, 4-byte schema id, Avro body) and decodes it back into plain
 * JSON-shaped objects.
 *
 * Several event types share one topic, so subjects follow the topic-record-name
 * strategy: `<topic>-<namespace>.<EventType>`. Each subject evolves on its own and the
 * registry enforces BACKWARD compatibility per subject.
 */
export type AvroRecord = { readonly type: 'record'; readonly name: string; readonly namespace?: string };

export type EventCodec = {
  encode(topic: string, eventType: string, data: unknown): Promise<Buffer>;
  /** The schema id an event type is written with on `topic` (registers it on first use). */
  schemaId(topic: string, eventType: string): Promise<number>;
  decode(value: Buffer): Promise<Record<string, unknown>>;
};

export const subjectOf = (topic: string, schema: AvroRecord): string =>
  `${topic}-${schema.namespace ? `${schema.namespace}.` : ''}${schema.name}`;

export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`no schema for event type ${eventType}`);
    this.name = 'UnknownEventTypeError';
  }
}

export function createEventCodec(registry: SchemaRegistry, schemas: Readonly<Record<string, AvroRecord>>): EventCodec {
  // one registration per subject per process; concurrent callers share the promise
  const ids = new Map<string, Promise<number>>();

  const schemaId = (topic: string, eventType: string): Promise<number> => {
    const schema = schemas[eventType];
    if (!schema) return Promise.reject(new UnknownEventTypeError(eventType));
    const subject = subjectOf(topic, schema);
    let id = ids.get(subject);
    if (!id) {
      id = registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject }).then((r) => r.id);
      id.catch(() => ids.delete(subject));
      ids.set(subject, id);
    }
    return id;
  };

  return {
    schemaId,
    async encode(topic, eventType, data) {
      return registry.encode(await schemaId(topic, eventType), data);
    },
    async decode(value) {
      const decoded: unknown = await registry.decode(value);
      // avsc yields record class instances; readers want plain data
      return JSON.parse(JSON.stringify(decoded)) as Record<string, unknown>;
    },
  };
}
