import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@orderflow/platform/errors';
import type { LabelRequest } from './shipping-carrier.js';
import { createSimulatedShippingCarrier } from './simulated-shipping-carrier.js';

const address = { line1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
const request = (over: Partial<LabelRequest['shippingAddress']> = {}): LabelRequest => ({
  shipmentId: 'shp-1',
  orderId: 'order-1',
  shippingAddress: { ...address, ...over },
});
const isCode = (code: string, kind: string) => (e: unknown) => isAppError(e) && e.code === code && e.kind === kind;

// AbortSignal.timeout's timer is unref'd: a test waiting only on it would let the event loop end.
const timeoutSignal = (ms: number): AbortSignal => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), ms);
  return controller.signal;
};

describe('simulated shipping carrier', () => {
  it('creates a label with a tracking number derived from the shipment id', async () => {
    const carrier = createSimulatedShippingCarrier();
    const label = await carrier.createLabel(request());
    assert.deepEqual(label, {
      outcome: 'created',
      carrier: 'simulated-carrier',
      trackingNumber: 'SIM-shp-1',
      labelUrl: 'https://carrier.example/labels/shp-1.pdf',
    });
    assert.deepEqual(await carrier.createLabel(request()), label, 'a retried call gets the same answer');
  });

  it('rejects country XX as not serviceable', async () => {
    const label = await createSimulatedShippingCarrier().createLabel(request({ country: 'XX' }));
    assert.deepEqual(label, { outcome: 'rejected', code: 'ADDRESS_NOT_SERVICEABLE', reason: 'the carrier does not ship to XX' });
  });

  it('rejects the countries it is configured not to serve', async () => {
    const carrier = createSimulatedShippingCarrier({ unservedCountries: ['FR'] });
    assert.equal((await carrier.createLabel(request())).outcome, 'rejected');
    assert.equal((await carrier.createLabel(request({ country: 'XX' }))).outcome, 'created');
  });

  it('never answers postal code TIMEOUT until the signal aborts', async () => {
    const controller = new AbortController();
    let settled = false;
    const pending = createSimulatedShippingCarrier()
      .createLabel(request({ postalCode: 'TIMEOUT' }), { signal: controller.signal })
      .finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(settled, false);
    const reason = new Error('step timed out');
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
  });

  it('fails with CARRIER_UNAVAILABLE when the random draw falls under the error rate', async () => {
    const draws = [0.05, 0.95];
    const carrier = createSimulatedShippingCarrier({ errorRate: 0.1, random: () => draws.shift() ?? 0.5 });
    await assert.rejects(carrier.createLabel(request()), isCode('CARRIER_UNAVAILABLE', 'unavailable'));
    assert.equal((await carrier.createLabel(request())).outcome, 'created');
  });

  it('delays answers by the configured latency, and aborts during it', async () => {
    const slow = createSimulatedShippingCarrier({ latencyMs: 40 });
    const started = performance.now();
    await slow.cancel({ shipmentId: 'shp-1', trackingNumber: 'SIM-shp-1' });
    assert.ok(performance.now() - started >= 35);
    await assert.rejects(
      createSimulatedShippingCarrier({ latencyMs: 10_000 }).createLabel(request(), { signal: timeoutSignal(10) }),
      { name: 'TimeoutError' },
    );
  });

  it('refuses an incomplete address or a cancel without a tracking number', async () => {
    const carrier = createSimulatedShippingCarrier();
    await assert.rejects(carrier.createLabel(request({ city: '' })), isCode('CARRIER_INVALID_REQUEST', 'validation'));
    await assert.rejects(carrier.cancel({ shipmentId: 'shp-1', trackingNumber: '' }), isCode('CARRIER_INVALID_REQUEST', 'validation'));
  });

  it('refuses impossible settings when built', () => {
    assert.throws(() => createSimulatedShippingCarrier({ errorRate: -0.1 }), RangeError);
    assert.throws(() => createSimulatedShippingCarrier({ latencyMs: Number.POSITIVE_INFINITY }), RangeError);
  });
});
