import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaHeaders } from '@orderflow/contracts';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import type { EventCodec } from '@orderflow/platform';
import type { KafkaSource } from '../../envelope.js';
import { upcasting } from '../../upcasting.js';
import { createMessageDecoder, isRegistryUnavailable } from './message-decoder.js';

// the registry's framing is not what is under test here: JSON with a marker byte
const fakeCodec: EventCodec = {
  encode: async (_topic, _type, data) => Buffer.concat([Buffer.from([0]), Buffer.from(JSON.stringify(data))]),
  schemaId: async () => 1,
  decode: async (value) => {
    if (value[0] !== 0) throw new Error('unknown magic byte');
    return JSON.parse(value.subarray(1).toString()) as Record<string, unknown>;
  },
};

const decoder = createMessageDecoder(fakeCodec, upcasting, (topic) => (topic === 'orders.events' ? 'Order' : undefined));
const data = eventFixtures.OrderCreated.data;

const headers = {
  [KafkaHeaders.eventId]: '7b0e8c1e-8d0e-4a53-9a53-1f7c1d2b3c4d',
  [KafkaHeaders.eventType]: 'OrderCreated',
  [KafkaHeaders.schemaVersion]: '1',
  [KafkaHeaders.streamId]: `order-${data.orderId}`,
  [KafkaHeaders.streamType]: 'Order',
  [KafkaHeaders.streamVersion]: '1',
  [KafkaHeaders.globalPosition]: '42',
  [KafkaHeaders.correlationId]: 'corr-1',
  [KafkaHeaders.causationId]: 'cmd-1',
  [KafkaHeaders.recordedAt]: '2025-03-01T10:15:31.000Z',
};

const message = async (over: Partial<KafkaSource> = {}): Promise<KafkaSource> => ({
  topic: 'orders.events',
  partition: 2,
  offset: '17',
  key: Buffer.from(data.orderId),
  value: await fakeCodec.encode('orders.events', 'OrderCreated', data),
  headers,
  ...over,
});

describe('message decoder', () => {
  it('rebuilds the recorded event from the value and the relay headers', async () => {
    const result = await decoder.decode(await message());
    assert.ok(result.ok);
    const { event, source } = result.envelope;
    assert.deepEqual(event.data, data);
    assert.equal(event.type, 'OrderCreated');
    assert.equal(event.streamId, `order-${data.orderId}`);
    assert.equal(event.streamVersion, 1);
    assert.equal(event.globalPosition, 42n);
    assert.deepEqual(event.metadata, { correlationId: 'corr-1', causationId: 'cmd-1', traceparent: null, tracestate: null });
    assert.equal(event.recordedAt.toISOString(), '2025-03-01T10:15:31.000Z');
    assert.equal(source?.offset, '17');
  });

  it('takes the stream from the key and topic when the stream headers are missing', async () => {
    const { [KafkaHeaders.streamId]: _id, [KafkaHeaders.streamType]: _type, ...rest } = headers;
    const result = await decoder.decode(await message({ headers: rest }));
    assert.ok(result.ok);
    assert.equal(result.envelope.event.streamId, `order-${data.orderId}`);
  });

  it('reports bytes it cannot decode, naming the aggregate to park', async () => {
    const result = await decoder.decode(await message({ value: Buffer.from('garbage') }));
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.error.message, /magic byte/);
    assert.equal(result.streamId, `order-${data.orderId}`);
    assert.equal(result.streamType, 'Order');
    assert.equal(result.streamVersion, 1);
  });

  it('reports a message without a stream version or value', async () => {
    const { [KafkaHeaders.streamVersion]: _v, ...rest } = headers;
    const noVersion = await decoder.decode(await message({ headers: rest }));
    assert.ok(!noVersion.ok);
    assert.match(noVersion.error.message, /stream-version/);
    const noValue = await decoder.decode(await message({ value: null }));
    assert.ok(!noValue.ok);
  });

  it('reports an event newer than the schema versions it knows', async () => {
    const result = await decoder.decode(await message({ headers: { ...headers, [KafkaHeaders.schemaVersion]: '9' } }));
    assert.ok(!result.ok);
    assert.match(result.error.message, /newer than the known 1/);
  });

  it('tells an unreachable registry (retried) from an unknown schema id (poison)', async () => {
    assert.ok(isRegistryUnavailable({ status: 400, message: 'Error, status 400: connect ECONNREFUSED 127.0.0.1:8091' }));
    assert.ok(isRegistryUnavailable({ status: 503, message: 'Service Unavailable' }));
    assert.equal(isRegistryUnavailable({ status: 404, message: 'Schema 12345 not found.' }), false);
    assert.equal(isRegistryUnavailable(new Error('Message encoded with magic byte {"type":"Buffer","data":[100]}')), false);
    const result = await decoder.decode(await message({ value: Buffer.from('garbage') }));
    assert.ok(!result.ok && !result.transient);
  });
});
