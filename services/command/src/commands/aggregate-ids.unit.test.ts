import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextFor, testClock } from '../testing/command-test-kit.js';
import { newAggregateId, uuidFromName } from './aggregate-ids.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('aggregate ids', () => {
  it('derives a UUID from a name, the same every time', () => {
    assert.match(uuidFromName('x'), UUID);
    assert.equal(uuidFromName('x'), uuidFromName('x'));
    assert.notEqual(uuidFromName('x'), uuidFromName('y'));
  });

  it('derives the id from the idempotency key, so a retry addresses the same aggregate', () => {
    const first = newAggregateId('payment', contextFor({}, { key: 'k-1' }), testClock);
    assert.equal(newAggregateId('payment', contextFor({ other: true }, { key: 'k-1' }), testClock), first);
    assert.notEqual(newAggregateId('shipment', contextFor({}, { key: 'k-1' }), testClock), first, 'kinds do not share ids');
  });

  it('makes a new id for every command without a key', () => {
    const ctx = contextFor({});
    assert.notEqual(newAggregateId('order', ctx, testClock), newAggregateId('order', ctx, testClock));
  });
});
