import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventSchemas, KafkaHeaders } from '@orderflow/contracts';
import type { EventCodec } from '@orderflow/platform';
import { recordedOrderCreated } from '../testing/relay-fixtures.js';
import { createEventEncoder, UnpublishableEventError } from './event-encoder.js';

/** Records what it was asked to encode; `fail` simulates a registry outage. */
function fakeCodec(fail?: Error): EventCodec & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async encode(topic, type, data) {
      if (fail) throw fail;
      calls.push(`${topic}/${type}`);
      return Buffer.from(JSON.stringify(data));
    },
    schemaId: async () => 1,
    decode: async (value) => JSON.parse(value.toString()) as Record<string, unknown>,
  };
}

const encoderWith = (codec: EventCodec, upcasters = {}) =>
  createEventEncoder({
    codec,
    schemas: eventSchemas,
    upcasting: { currentSchemaVersions: { OrderCreated: 2 }, upcasters },
    topicPrefix: 't1.',
  });

const rejectsWith = (reason: string) => (e: unknown) => e instanceof UnpublishableEventError && e.reason === reason;

describe('event encoder', () => {
  const upcastToV2 = { OrderCreated: { 1: (data: Readonly<Record<string, unknown>>) => ({ ...data }) } };

  it('encodes valid data to the prefixed topic of its stream type', async () => {
    const codec = fakeCodec();
    const message = await encoderWith(codec, upcastToV2).encode(recordedOrderCreated());
    assert.equal(message.topic, 't1.orders.events');
    assert.deepEqual(codec.calls, ['t1.orders.events/OrderCreated']);
    // the data was upcast, so the header names the version it now conforms to
    assert.equal(message.headers[KafkaHeaders.schemaVersion], '2');
  });

  it('parks a stream type that has no topic', async () => {
    const event = recordedOrderCreated({ streamType: 'Basket' });
    await assert.rejects(encoderWith(fakeCodec(), upcastToV2).encode(event), rejectsWith('UNKNOWN_STREAM_TYPE'));
  });

  it('parks an event type without a schema', async () => {
    const event = recordedOrderCreated({ type: 'OrderTeleported', schemaVersion: 1 });
    await assert.rejects(encoderWith(fakeCodec()).encode(event), rejectsWith('UNKNOWN_EVENT_TYPE'));
  });

  it('parks data the schema rejects and names the offending fields', async () => {
    const event = recordedOrderCreated({ data: { ...recordedOrderCreated().data, totalAmount: 'lots' } });
    await assert.rejects(encoderWith(fakeCodec(), upcastToV2).encode(event), (e: unknown) => {
      assert.ok(rejectsWith('SCHEMA_REJECTED_DATA')(e));
      assert.match((e as Error).message, /totalAmount/);
      return true;
    });
  });

  it('parks a stored version it has no upcaster for', async () => {
    await assert.rejects(encoderWith(fakeCodec()).encode(recordedOrderCreated()), rejectsWith('UPCAST_FAILED'));
  });

  it('lets a registry failure through as transient, not as a reason to park', async () => {
    const outage = new Error('ECONNREFUSED');
    await assert.rejects(encoderWith(fakeCodec(outage), upcastToV2).encode(recordedOrderCreated()), (e: unknown) => e === outage);
  });
});
