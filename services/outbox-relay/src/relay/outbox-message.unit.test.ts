import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaHeaders } from '@orderflow/contracts';
import { recordedOrderCreated } from '../testing/relay-fixtures.js';
import { outgoingMessageOf } from './outbox-message.js';

describe('outgoingMessageOf', () => {
  it('keys by stream id and carries every envelope field as a header', () => {
    const event = recordedOrderCreated();
    const message = outgoingMessageOf('orders.events', event, Buffer.from([0, 1]));
    assert.equal(message.topic, 'orders.events');
    assert.equal(message.key, event.streamId);
    assert.deepEqual(message.value, Buffer.from([0, 1]));
    assert.deepEqual(message.headers, {
      [KafkaHeaders.eventId]: event.eventId,
      [KafkaHeaders.eventType]: 'OrderCreated',
      [KafkaHeaders.schemaVersion]: '1',
      [KafkaHeaders.streamId]: event.streamId,
      [KafkaHeaders.streamType]: 'Order',
      [KafkaHeaders.streamVersion]: '3',
      // beyond 2^53: the position travels as text, never through a float
      [KafkaHeaders.globalPosition]: '9007199254740993',
      [KafkaHeaders.recordedAt]: '2025-03-01T10:15:30.123Z',
      [KafkaHeaders.correlationId]: 'corr-1',
      [KafkaHeaders.causationId]: 'cause-1',
      [KafkaHeaders.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      [KafkaHeaders.tracestate]: 'vendor=1',
    });
  });

  it('leaves out absent causation and trace context instead of sending empty values', () => {
    const event = recordedOrderCreated({ metadata: { correlationId: 'corr-2', causationId: null, traceparent: null } });
    const { headers } = outgoingMessageOf('orders.events', event, Buffer.alloc(0));
    assert.equal(headers[KafkaHeaders.correlationId], 'corr-2');
    assert.equal(KafkaHeaders.causationId in headers, false);
    assert.equal(KafkaHeaders.traceparent in headers, false);
    assert.equal(KafkaHeaders.tracestate in headers, false);
  });
});
