import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shipmentStreamId } from '@orderflow/contracts';
import { isAppError } from '@orderflow/platform/errors';
import { createSimulatedShippingCarrier } from '../external/simulated-shipping-carrier.js';
import { contextFor, memoryKit } from '../testing/command-test-kit.js';
import { address } from '../testing/fixtures.js';
import { counting } from '../testing/spy-ports.js';

const isCode = (code: string) => (e: unknown) => isAppError(e) && e.code === code;

function kitWithCarrier(timeoutMs = 2_000) {
  const carrier = counting(createSimulatedShippingCarrier());
  return { carrier, kit: memoryKit({ carrier, settings: { carrierTimeoutMs: timeoutMs } }) };
}

describe('shipment use cases', () => {
  it("records the carrier's label", async () => {
    const { kit } = kitWithCarrier();
    const input = { orderId: 'o-1', shipmentId: 'shp-1', shippingAddress: address };
    const result = await kit.commands.createShipment(input, contextFor(input));
    assert.deepEqual(result.response.events, ['ShipmentCreated']);
    const [event] = (await kit.store.readStream(shipmentStreamId('shp-1'))).events;
    assert.equal((event?.data as { trackingNumber: string }).trackingNumber, 'SIM-shp-1');
  });

  it('records a rejection for an address the carrier does not serve, then cancels it as a no-op', async () => {
    const { kit, carrier } = kitWithCarrier();
    const input = { orderId: 'o-1', shipmentId: 'shp-xx', shippingAddress: { ...address, country: 'XX' } };
    const result = await kit.commands.createShipment(input, contextFor(input));
    assert.deepEqual(result.response.events, ['ShipmentRejected']);
    const cancelled = await kit.commands.cancelShipment({ shipmentId: 'shp-xx' }, contextFor({ shipmentId: 'shp-xx' }));
    assert.deepEqual(cancelled.response.events, []);
    assert.equal(carrier.calls['cancel'], undefined);
  });

  it('cancels a created shipment with the carrier', async () => {
    const { kit, carrier } = kitWithCarrier();
    const input = { orderId: 'o-1', shipmentId: 'shp-2', shippingAddress: address };
    await kit.commands.createShipment(input, contextFor(input));
    const result = await kit.commands.cancelShipment({ shipmentId: 'shp-2', reason: 'payment failed' }, contextFor({ n: 2 }));
    assert.deepEqual(result.response.events, ['ShipmentCancelled']);
    assert.equal(carrier.calls['cancel'], 1);
  });

  it('times out transiently on an address the carrier never answers, recording nothing', async () => {
    const { kit } = kitWithCarrier(30);
    const input = { orderId: 'o-1', shipmentId: 'shp-slow', shippingAddress: { ...address, postalCode: 'TIMEOUT' } };
    await assert.rejects(kit.commands.createShipment(input, contextFor(input)), isCode('CARRIER_TIMEOUT'));
    assert.equal(await kit.store.streamVersion(shipmentStreamId('shp-slow')), 0);
  });

  it('refuses a second shipment under the same id before asking the carrier', async () => {
    const { kit, carrier } = kitWithCarrier();
    const input = { orderId: 'o-1', shipmentId: 'shp-3', shippingAddress: address };
    await kit.commands.createShipment(input, contextFor(input));
    await assert.rejects(kit.commands.createShipment(input, contextFor(input)), isCode('SHIPMENT_ALREADY_EXISTS'));
    assert.equal(carrier.calls['createLabel'], 1);
  });
});
