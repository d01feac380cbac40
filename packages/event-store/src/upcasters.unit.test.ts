import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '@orderflow/contracts';
import { upcastEvent, type UpcastingOptions } from './upcasters.js';

const stored = (type: string, schemaVersion: number, data: object): RecordedEvent => ({
  eventId: 'e-1',
  type,
  data,
  schemaVersion,
  streamId: 'order-1',
  streamType: 'Order',
  streamVersion: 1,
  globalPosition: 1n,
  metadata: { correlationId: 'c-1', causationId: null, userId: 'u-7' },
  recordedAt: new Date(0),
});

const options: UpcastingOptions = {
  currentSchemaVersions: { OrderCreated: 3 },
  upcasters: {
    OrderCreated: {
      1: (data) => ({ ...data, currency: 'EUR' }),
      2: (data, metadata) => ({ total: { amount: data['amount'], currency: data['currency'] }, createdBy: metadata.userId }),
    },
  },
};

describe('upcastEvent', () => {
  it('chains the steps from the stored version to the current one', () => {
    const event = upcastEvent(stored('OrderCreated', 1, { amount: 1250 }), options);
    assert.equal(event.schemaVersion, 3);
    assert.deepEqual(event.data, { total: { amount: 1250, currency: 'EUR' }, createdBy: 'u-7' });
  });

  it('starts the chain at the stored version', () => {
    const event = upcastEvent(stored('OrderCreated', 2, { amount: 5, currency: 'USD' }), options);
    assert.deepEqual(event.data, { total: { amount: 5, currency: 'USD' }, createdBy: 'u-7' });
  });

  it('returns current events and types the reader does not list unchanged', () => {
    const current = stored('OrderCreated', 3, { total: { amount: 1, currency: 'EUR' } });
    assert.equal(upcastEvent(current, options), current);
    const foreign = stored('PaymentCaptured', 4, { any: 'shape' });
    assert.equal(upcastEvent(foreign, options), foreign);
  });

  it('refuses an event newer than the reader and a chain with a missing step', () => {
    assert.throws(() => upcastEvent(stored('OrderCreated', 4, {}), options), /newer than the known 3/);
    const gap: UpcastingOptions = {
      currentSchemaVersions: { OrderCreated: 3 },
      upcasters: { OrderCreated: { 1: (d) => ({ ...d }) } },
    };
    assert.throws(() => upcastEvent(stored('OrderCreated', 1, {}), gap), /from schema version 2 to 3/);
  });
});
