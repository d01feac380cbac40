import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@orderflow/platform/errors';
import type { AuthorizationRequest } from './payment-gateway.js';
import { createSimulatedPaymentGateway } from './simulated-payment-gateway.js';

const request = (over: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  paymentId: 'pay-1',
  orderId: 'order-1',
  amount: 5000,
  currency: 'EUR',
  paymentMethod: { type: 'card', token: 'tok_visa' },
  ...over,
});
const card = (token: string) => ({ type: 'card', token });
const reference = { paymentId: 'pay-1', gatewayReference: 'auth_pay-1' };

/** A random source that replays the given values in order. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

const isCode = (code: string, kind: string) => (e: unknown) => isAppError(e) && e.code === code && e.kind === kind;

// AbortSignal.timeout's timer is unref'd: a test waiting only on it would let the event loop end.
const timeoutSignal = (ms: number): AbortSignal => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), ms);
  return controller.signal;
};

describe('simulated payment gateway', () => {
  describe('authorize', () => {
    it('authorizes a good card with references derived from the payment id', async () => {
      const gateway = createSimulatedPaymentGateway();
      const first = await gateway.authorize(request());
      assert.equal(first.outcome, 'authorized');
      assert.equal(first.outcome === 'authorized' && first.gatewayReference, 'auth_pay-1');
      assert.deepEqual(await gateway.authorize(request()), first, 'a retried call gets the same answer');
      assert.notDeepEqual(await gateway.authorize(request({ paymentId: 'pay-2' })), first);
    });

    it('declines tok_declined', async () => {
      const result = await createSimulatedPaymentGateway().authorize(request({ paymentMethod: card('tok_declined') }));
      assert.deepEqual(result, { outcome: 'declined', declineCode: 'card_declined', reason: 'the card was declined' });
    });

    it('declines an amount over the configured limit and authorizes one at it', async () => {
      const gateway = createSimulatedPaymentGateway({ amountLimit: 10_000 });
      const over = await gateway.authorize(request({ amount: 10_001 }));
      assert.equal(over.outcome === 'declined' && over.declineCode, 'amount_limit_exceeded');
      assert.equal((await gateway.authorize(request({ amount: 10_000 }))).outcome, 'authorized');
    });

    it('declines above the default limit of 1,000,000 minor units', async () => {
      const result = await createSimulatedPaymentGateway().authorize(request({ amount: 1_000_001 }));
      assert.equal(result.outcome, 'declined');
    });

    it('never answers tok_timeout until the signal aborts, then rejects with its reason', async () => {
      const controller = new AbortController();
      let settled = false;
      const pending = createSimulatedPaymentGateway()
        .authorize(request({ paymentMethod: card('tok_timeout') }), { signal: controller.signal })
        .finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(settled, false);
      const reason = new Error('step timed out');
      controller.abort(reason);
      await assert.rejects(pending, (e) => e === reason);
    });

    it('rejects with the reason of a timeout signal', async () => {
      const call = createSimulatedPaymentGateway().authorize(request({ paymentMethod: card('tok_timeout') }), {
        signal: timeoutSignal(10),
      });
      await assert.rejects(call, (e: unknown) => e instanceof DOMException && e.name === 'TimeoutError');
    });

    it('refuses a float amount as an invalid request', async () => {
      await assert.rejects(createSimulatedPaymentGateway().authorize(request({ amount: 49.99 })), isCode('GATEWAY_INVALID_REQUEST', 'validation'));
    });
  });

  describe('transient errors', () => {
    it('fail a call when the random draw falls under the error rate', async () => {
      const gateway = createSimulatedPaymentGateway({ errorRate: 0.5, random: sequence(0.2, 0.7) });
      await assert.rejects(gateway.authorize(request()), isCode('GATEWAY_UNAVAILABLE', 'unavailable'));
      assert.equal((await gateway.authorize(request())).outcome, 'authorized');
    });

    it('never happen at rate 0 and always at rate 1', async () => {
      const never = createSimulatedPaymentGateway({ errorRate: 0, random: () => 0 });
      assert.equal((await never.authorize(request())).outcome, 'authorized');
      const always = createSimulatedPaymentGateway({ errorRate: 1, random: () => 0.999999 });
      await assert.rejects(always.capture({ ...reference, amount: 1, currency: 'EUR' }), isCode('GATEWAY_UNAVAILABLE', 'unavailable'));
      await assert.rejects(always.void(reference), isCode('GATEWAY_UNAVAILABLE', 'unavailable'));
      await assert.rejects(always.refund({ ...reference, amount: 1, currency: 'EUR' }), isCode('GATEWAY_UNAVAILABLE', 'unavailable'));
    });
  });

  describe('latency', () => {
    it('delays each answer by the configured time', async () => {
      const gateway = createSimulatedPaymentGateway({ latencyMs: 40 });
      const started = performance.now();
      await gateway.void(reference);
      assert.ok(performance.now() - started >= 35, 'answered before the latency elapsed');
    });

    it('gives up waiting when the signal aborts during the delay', async () => {
      const gateway = createSimulatedPaymentGateway({ latencyMs: 10_000 });
      const started = performance.now();
      await assert.rejects(gateway.authorize(request(), { signal: timeoutSignal(20) }), { name: 'TimeoutError' });
      assert.ok(performance.now() - started < 5_000);
    });

    it('rejects at once on a signal already aborted', async () => {
      const reason = new Error('shutting down');
      await assert.rejects(createSimulatedPaymentGateway().void(reference, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
    });
  });

  describe('capture, void and refund', () => {
    it('answer with references derived from the payment id', async () => {
      const gateway = createSimulatedPaymentGateway();
      assert.deepEqual(await gateway.capture({ ...reference, amount: 5000, currency: 'EUR' }), { captureReference: 'cap_pay-1' });
      assert.deepEqual(await gateway.void(reference), { voidReference: 'void_pay-1' });
      assert.deepEqual(await gateway.refund({ ...reference, amount: 100, currency: 'EUR' }), { refundReference: 'ref_pay-1' });
    });

    it('refuse a request without a gateway reference or with a zero amount', async () => {
      const gateway = createSimulatedPaymentGateway();
      await assert.rejects(gateway.void({ paymentId: 'pay-1', gatewayReference: '' }), isCode('GATEWAY_INVALID_REQUEST', 'validation'));
      await assert.rejects(gateway.refund({ ...reference, amount: 0, currency: 'EUR' }), isCode('GATEWAY_INVALID_REQUEST', 'validation'));
    });
  });

  describe('tok_void_fails', () => {
    const voidFails = request({ paymentMethod: card('tok_void_fails') });
    const authorizedReference = async (gateway: ReturnType<typeof createSimulatedPaymentGateway>) => {
      const result = await gateway.authorize(voidFails);
      assert.equal(result.outcome, 'authorized', 'the authorization itself succeeds');
      return { paymentId: 'pay-1', gatewayReference: result.outcome === 'authorized' ? result.gatewayReference : '' };
    };

    it('authorizes, then fails every void with a transient GATEWAY_UNAVAILABLE', async () => {
      const gateway = createSimulatedPaymentGateway();
      const voidable = await authorizedReference(gateway);
      for (let attempt = 0; attempt < 5; attempt++) {
        await assert.rejects(gateway.void(voidable), isCode('GATEWAY_UNAVAILABLE', 'unavailable'));
      }
      assert.deepEqual(await gateway.capture({ ...voidable, amount: 5000, currency: 'EUR' }), { captureReference: 'cap_pay-1' });
    });

    it('leaves the voids of every other card alone', async () => {
      const gateway = createSimulatedPaymentGateway();
      const other = await gateway.authorize(request({ paymentId: 'pay-2' }));
      assert.ok(other.outcome === 'authorized');
      assert.deepEqual(await gateway.void({ paymentId: 'pay-2', gatewayReference: other.gatewayReference }), { voidReference: 'void_pay-2' });
    });

    it('voids the same authorization once the fault is cleared, as a restarted gateway would', async () => {
      const voidable = await authorizedReference(createSimulatedPaymentGateway());
      const recovered = createSimulatedPaymentGateway({ voidFault: 'cleared' });
      assert.deepEqual(await recovered.void(voidable), { voidReference: 'void_pay-1' });
      assert.deepEqual(await authorizedReference(recovered), voidable, 'the reference does not depend on the fault');
    });
  });

  it('refuses impossible settings when built', () => {
    assert.throws(() => createSimulatedPaymentGateway({ errorRate: 1.5 }), RangeError);
    assert.throws(() => createSimulatedPaymentGateway({ errorRate: Number.NaN }), RangeError);
    assert.throws(() => createSimulatedPaymentGateway({ latencyMs: -1 }), RangeError);
    assert.throws(() => createSimulatedPaymentGateway({ amountLimit: 10.5 }), RangeError);
    assert.throws(() => createSimulatedPaymentGateway({ voidFault: 'sometimes' as 'active' }), RangeError);
  });
});
