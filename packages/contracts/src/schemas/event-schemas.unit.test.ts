import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { eventStreamType, eventTypes, type EventType } from '../events.js';
import { eventFixtures } from '../testing/event-fixtures.js';
import { EVENT_NAMESPACE, type AvroRecordSchema } from './avro-schema.js';
import { currentSchemaVersion, eventSchemas } from './event-schemas.js';

const typeOf = (schema: AvroRecordSchema) => avro.Type.forSchema(schema as avro.Schema);

// Decoded records are instances of classes avsc generates; compare them as plain data.
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const roundTrip = (schema: AvroRecordSchema, data: object): unknown => {
  const type = typeOf(schema);
  return plain(type.fromBuffer(type.toBuffer(data)));
};

const nullableFields = (schema: AvroRecordSchema) =>
  schema.fields.filter((f) => Array.isArray(f.type) && f.type[0] === 'null').map((f) => f.name);

describe('event schemas', () => {
  it('cover every event type, and nothing else', () => {
    assert.deepEqual(Object.keys(eventSchemas).sort(), [...eventTypes].sort());
    assert.deepEqual(Object.keys(currentSchemaVersion).sort(), [...eventTypes].sort());
    assert.equal(eventTypes.length, 19);
  });

  for (const type of eventTypes) {
    describe(type, () => {
      const schema = eventSchemas[type];
      const fixture = eventFixtures[type];

      it('is a record named after the event in the events namespace, at version 1', () => {
        assert.equal(schema.type, 'record');
        assert.equal(schema.name, type);
        assert.equal(schema.namespace, EVENT_NAMESPACE);
        assert.equal(currentSchemaVersion[type], 1);
        assert.equal(fixture.type, type);
      });

      it('is plain JSON, as the registry stores it', () => {
        assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
      });

      it('declares every field of the sample and no other', () => {
        assert.equal(typeOf(schema).isValid(fixture.data, { noUndeclaredFields: true }), true);
        assert.deepEqual(schema.fields.map((f) => f.name).sort(), Object.keys(fixture.data).sort());
      });

      it('round-trips the sample unchanged', () => {
        assert.deepEqual(roundTrip(schema, fixture.data), fixture.data);
      });

      it('round-trips each optional field both present and null, defaulting to null', () => {
        for (const name of nullableFields(schema)) {
          assert.equal(schema.fields.find((f) => f.name === name)?.default, null);
          const current = (fixture.data as Record<string, unknown>)[name];
          const flipped = { ...fixture.data, [name]: current === null ? `sample-${name}` : null };
          assert.deepEqual(roundTrip(schema, flipped), flipped);
        }
      });

      it('carries an ISO occurredAt', () => {
        assert.match(String((fixture.data as Record<string, unknown>)['occurredAt']), /^\d{4}-\d{2}-\d{2}T.*Z$/);
      });
    });
  }

  it('refuses a float amount and a missing required field', () => {
    const type = typeOf(eventSchemas.OrderCreated);
    assert.equal(type.isValid({ ...eventFixtures.OrderCreated.data, totalAmount: 74.99 }), false);
    const missing: Record<string, unknown> = { ...eventFixtures.OrderCreated.data };
    delete missing['customerId'];
    assert.equal(type.isValid(missing), false);
    assert.throws(() => type.toBuffer({ ...eventFixtures.OrderCreated.data, totalAmount: 74.99 }));
  });

  describe('OrderShipped carrier, added after events were recorded without it', () => {
    // The registry client builds its type from the schema text it registered, with no options.
    const asRegistered = (schema: AvroRecordSchema) => avro.Type.forSchema(JSON.parse(JSON.stringify(schema)) as avro.Schema, {});
    const current = eventSchemas.OrderShipped;
    const before = { ...current, fields: current.fields.filter((f) => f.name !== 'carrier') };
    const { carrier: _carrier, ...oldShaped } = eventFixtures.OrderShipped.data;

    it('encodes data that lacks the field, which decodes with carrier null', () => {
      assert.equal('carrier' in oldShaped, false);
      const type = asRegistered(current);
      assert.equal(type.isValid(oldShaped), true);
      assert.deepEqual(plain(type.fromBuffer(type.toBuffer(oldShaped))), { ...oldShaped, carrier: null });
    });

    it('lets the current reader decode bytes written with the schema before it (BACKWARD)', () => {
      const writer = asRegistered(before);
      const reader = asRegistered(current);
      const bytes = writer.toBuffer(oldShaped);
      assert.deepEqual(plain(reader.fromBuffer(bytes, reader.createResolver(writer))), { ...oldShaped, carrier: null });
    });

    it('keeps a recorded carrier', () => {
      const type = asRegistered(current);
      assert.equal(eventFixtures.OrderShipped.data.carrier, 'sim');
      assert.deepEqual(plain(type.fromBuffer(type.toBuffer(eventFixtures.OrderShipped.data))), eventFixtures.OrderShipped.data);
    });
  });

  it('maps every event type to the stream type its fixture belongs to', () => {
    const aggregateIdField: Record<string, string> = {
      Order: 'orderId',
      Inventory: 'productId',
      Payment: 'paymentId',
      Shipment: 'shipmentId',
    };
    for (const type of eventTypes as readonly EventType[]) {
      const field = aggregateIdField[eventStreamType[type]] ?? 'missing';
      assert.ok(field in eventFixtures[type].data, `${type} data lacks its aggregate id ${field}`);
    }
  });
});
