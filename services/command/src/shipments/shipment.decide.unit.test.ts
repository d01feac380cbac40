import { describe, it } from 'node:test';
import type { CancelShipment, CarrierLabelResult, CreateShipment, ShipmentEvent } from '@orderflow/contracts';
import { command, deciderSpec, NOW_ISO } from '../testing/decider-spec.js';
import { shipmentDecider } from './shipment.decide.js';

const spec = deciderSpec(shipmentDecider);
const shipmentId = 'shp-1';
const facts = { shipmentId, orderId: 'order-1', occurredAt: NOW_ISO };
const address = { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' };
const label: CarrierLabelResult = { outcome: 'created', carrier: 'sim', trackingNumber: 'TRK-1', labelUrl: 'https://labels.test/1.pdf' };
const rejection: CarrierLabelResult = { outcome: 'rejected', code: 'ADDRESS_NOT_SERVICEABLE', reason: 'no service to XX' };

const create = (result: CarrierLabelResult, over: Partial<CreateShipment['data']> = {}) =>
  command<CreateShipment>('CreateShipment', { shipmentId, orderId: 'order-1', shippingAddress: address, label: result, ...over });
const cancel = (reason: string | null = 'saga compensation') => command<CancelShipment>('CancelShipment', { shipmentId, reason });

const created: ShipmentEvent = {
  type: 'ShipmentCreated',
  data: { ...facts, carrier: 'sim', trackingNumber: 'TRK-1', labelUrl: 'https://labels.test/1.pdf', shippingAddress: address },
};
const rejected: ShipmentEvent = { type: 'ShipmentRejected', data: { ...facts, code: 'ADDRESS_NOT_SERVICEABLE', reason: 'no service to XX' } };
const cancelled: ShipmentEvent = { type: 'ShipmentCancelled', data: { ...facts, trackingNumber: 'TRK-1', reason: 'saga compensation' } };

describe('shipment decider', () => {
  describe('given no shipment', () => {
    const given = spec.given([]);
    it('records the label the carrier created', () => given.when(create(label)).then([created]));
    it('records a label without a URL', () =>
      given.when(create({ ...label, labelUrl: null })).then([{ ...created, data: { ...created.data, labelUrl: null } }] as ShipmentEvent[]));
    it('records the carrier rejecting the address as a result event', () => given.when(create(rejection)).then([rejected]));
    it('refuses an address without a country code', () =>
      given.when(create(label, { shippingAddress: { ...address, country: '' } })).thenThrows('SHIPMENT_INVALID_ADDRESS', 'validation'));
    it('refuses a malformed carrier answer', () =>
      given.when(create({ outcome: 'rejected', code: 'X', reason: ' ' })).thenThrows('SHIPMENT_INVALID_CARRIER_RESULT', 'validation'));
    it('refuses a blank order id', () => given.when(create(label, { orderId: '' })).thenThrows('SHIPMENT_INVALID_ID', 'validation'));
    it('refuses a cancel as not found', () => given.when(cancel()).thenThrows('SHIPMENT_NOT_FOUND', 'not_found'));
  });

  describe('given a created shipment', () => {
    const given = spec.given([created]);
    it('refuses creating it again', () => given.when(create(label)).thenThrows('SHIPMENT_ALREADY_EXISTS', 'precondition'));
    it('cancels it', () => given.when(cancel()).then([cancelled]));
    it('refuses a blank reason', () => given.when(cancel(' ')).thenThrows('SHIPMENT_INVALID_REASON', 'validation'));
  });

  describe('given a rejected shipment', () => {
    const given = spec.given([rejected]);
    it('has nothing to cancel', () => given.when(cancel()).thenNothing());
    it('refuses creating it again under the same id', () => given.when(create(label)).thenThrows('SHIPMENT_ALREADY_EXISTS', 'precondition'));
  });

  describe('given a cancelled shipment', () => {
    const given = spec.given([created, cancelled]);
    it('cancels at most once: a second cancel produces nothing', () => given.when(cancel()).thenNothing());
  });
});
