import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import type { PaymentEvent, ShipmentEvent } from '@orderflow/contracts';
import { recorded } from '../testing/recorded-events.js';
import type { PaymentStreamEvent, ShipmentStreamEvent } from '../projected-event.js';
import { evolvePaymentFact, evolveShipmentFact } from './order-facts.evolve.js';
import type { PaymentFact, ShipmentFact } from './order-view.js';

const foldPayment = (...events: PaymentEvent[]) =>
  events.reduce<PaymentFact | null>((row, e, i) => evolvePaymentFact(row, recorded(e, i + 1) as PaymentStreamEvent), null);
const foldShipment = (...events: ShipmentEvent[]) =>
  events.reduce<ShipmentFact | null>((row, e, i) => evolveShipmentFact(row, recorded(e, i + 1) as ShipmentStreamEvent), null);

describe('payment facts', () => {
  it('PaymentAuthorized records the authorization', () => {
    assert.deepEqual(foldPayment(eventFixtures.PaymentAuthorized), {
      paymentId: 'pay-7d4c',
      orderId: eventFixtures.PaymentAuthorized.data.orderId,
      status: 'AUTHORIZED',
      amount: 7499,
      currency: 'EUR',
      occurredAt: eventFixtures.PaymentAuthorized.data.occurredAt,
    });
  });

  it('the latest event sets the status', () => {
    assert.equal(foldPayment(eventFixtures.PaymentAuthorized, eventFixtures.PaymentCaptured)?.status, 'CAPTURED');
    assert.equal(foldPayment(eventFixtures.PaymentAuthorized, eventFixtures.PaymentVoided)?.status, 'VOIDED');
    assert.equal(foldPayment(eventFixtures.PaymentDeclined)?.status, 'DECLINED');
  });

  it('a refund keeps the captured amount', () => {
    const fact = foldPayment(eventFixtures.PaymentAuthorized, eventFixtures.PaymentCaptured, eventFixtures.PaymentRefunded);
    assert.equal(fact?.status, 'REFUNDED');
    assert.equal(fact?.amount, 7499);
  });
});

describe('shipment facts', () => {
  it('ShipmentCreated records carrier and tracking number', () => {
    const fact = foldShipment(eventFixtures.ShipmentCreated);
    assert.equal(fact?.status, 'CREATED');
    assert.equal(fact?.carrier, 'simulated-carrier');
    assert.equal(fact?.trackingNumber, 'SIM-shp-19aa');
  });

  it('ShipmentCancelled keeps the carrier', () => {
    const fact = foldShipment(eventFixtures.ShipmentCreated, eventFixtures.ShipmentCancelled);
    assert.equal(fact?.status, 'CANCELLED');
    assert.equal(fact?.carrier, 'simulated-carrier');
  });

  it('ShipmentRejected has no carrier of its own', () => {
    const fact = foldShipment(eventFixtures.ShipmentRejected);
    assert.equal(fact?.status, 'REJECTED');
    assert.equal(fact?.carrier, null);
  });
});
