import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamTypes, topicOf } from './envelope.js';
import { eventStreamType, eventTypesOf, isEventType } from './events.js';
import {
  inventoryStreamId,
  orderStreamId,
  parseStreamId,
  paymentStreamId,
  shipmentStreamId,
  streamIdOf,
} from './streams.js';
import { isCountryCode, isId, isIsoTimestamp, isPositiveQuantity, isShippingAddress } from './values.js';

describe('stream ids', () => {
  it('prefix the aggregate id with its type', () => {
    assert.equal(orderStreamId('42'), 'order-42');
    assert.equal(inventoryStreamId('SKU-1'), 'inventory-SKU-1');
    assert.equal(paymentStreamId('p1'), 'payment-p1');
    assert.equal(shipmentStreamId('s1'), 'shipment-s1');
  });

  it('parse back to type and id, keeping dashes inside the id', () => {
    for (const type of StreamTypes) {
      assert.deepEqual(parseStreamId(streamIdOf(type, 'a-b-c')), { streamType: type, aggregateId: 'a-b-c' });
    }
  });

  it('refuse to parse unknown prefixes or empty ids', () => {
    for (const bad of ['cart-1', 'order-', '-1', 'order']) assert.equal(parseStreamId(bad), null);
  });
});

describe('event types', () => {
  it('group by stream type, each with a topic', () => {
    assert.deepEqual(eventTypesOf('Shipment'), ['ShipmentCreated', 'ShipmentRejected', 'ShipmentCancelled']);
    assert.equal(eventTypesOf('Order').length, 7);
    for (const type of Object.values(eventStreamType)) assert.ok(topicOf[type]);
  });

  it('recognise only known names', () => {
    assert.equal(isEventType('OrderCreated'), true);
    assert.equal(isEventType('toString'), false);
    assert.equal(isEventType('OrderDeleted'), false);
  });
});

describe('value predicates', () => {
  it('ids are non-blank and bounded', () => {
    assert.equal(isId('a'), true);
    for (const bad of ['', '   ', 'x'.repeat(129), 3]) assert.equal(isId(bad), false);
  });

  it('quantities are positive integers', () => {
    assert.equal(isPositiveQuantity(1), true);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(isPositiveQuantity(bad), false);
  });

  it('countries are ISO alpha-2', () => {
    assert.equal(isCountryCode('FR'), true);
    for (const bad of ['fr', 'FRA', '']) assert.equal(isCountryCode(bad), false);
  });

  it('addresses need every line and a country code', () => {
    const ok = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
    assert.equal(isShippingAddress(ok), true);
    assert.equal(isShippingAddress({ ...ok, city: ' ' }), false);
    assert.equal(isShippingAddress({ ...ok, country: 'USA' }), false);
    assert.equal(isShippingAddress(null), false);
  });

  it('timestamps are ISO instants in UTC', () => {
    assert.equal(isIsoTimestamp(new Date(0).toISOString()), true);
    for (const bad of ['2025-03-01', '2025-03-01T10:00:00+01:00', '2025-13-45T99:00:00Z']) assert.equal(isIsoTimestamp(bad), false);
  });
});
