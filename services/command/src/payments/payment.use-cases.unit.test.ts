import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paymentStreamId } from '@orderflow/contracts';
import { ConcurrencyError, isAppError } from '@orderflow/platform/errors';
import { createSimulatedPaymentGateway } from '../external/simulated-payment-gateway.js';
import { contextFor, memoryKit } from '../testing/command-test-kit.js';
import { counting } from '../testing/spy-ports.js';
import type { AuthorizePaymentInput } from './payment.use-cases.js';

const isCode = (code: string, kind?: string) => (e: unknown) => isAppError(e) && e.code === code && (kind === undefined || e.kind === kind);

const authorization = (over: Partial<AuthorizePaymentInput> = {}): AuthorizePaymentInput => ({
  orderId: 'o-1',
  amount: 2500,
  currency: 'EUR',
  paymentMethod: { type: 'card', token: 'tok_visa' },
  ...over,
});

function kitWithGateway(options: Parameters<typeof createSimulatedPaymentGateway>[0] = {}, timeoutMs = 2_000) {
  const gateway = counting(createSimulatedPaymentGateway(options));
  return { gateway, kit: memoryKit({ gateway, settings: { gatewayTimeoutMs: timeoutMs } }) };
}

async function authorized(kit: ReturnType<typeof memoryKit>) {
  const input = authorization();
  return (await kit.commands.authorizePayment(input, contextFor(input))).response.aggregateId;
}

describe('payment use cases', () => {
  describe('authorizePayment', () => {
    it("records the gateway's authorization", async () => {
      const { kit } = kitWithGateway();
      const input = authorization({ paymentId: 'pay-1' });
      const result = await kit.commands.authorizePayment(input, contextFor(input));
      assert.equal(result.response.aggregateId, 'pay-1');
      const [event] = (await kit.store.readStream(paymentStreamId('pay-1'))).events;
      assert.equal(event?.type, 'PaymentAuthorized');
      assert.equal((event?.data as { gatewayReference: string }).gatewayReference, 'auth_pay-1');
    });

    it('records a decline as a result, not an error', async () => {
      const { kit } = kitWithGateway();
      const input = authorization({ paymentMethod: { type: 'card', token: 'tok_declined' } });
      const result = await kit.commands.authorizePayment(input, contextFor(input));
      assert.deepEqual(result.response.events, ['PaymentDeclined']);
    });

    it('fails transiently on a gateway timeout and records nothing', async () => {
      const { kit } = kitWithGateway({}, 30);
      const input = authorization({ paymentId: 'pay-slow', paymentMethod: { type: 'card', token: 'tok_timeout' } });
      await assert.rejects(kit.commands.authorizePayment(input, contextFor(input)), isCode('GATEWAY_TIMEOUT', 'unavailable'));
      assert.equal(await kit.store.streamVersion(paymentStreamId('pay-slow')), 0);
    });

    it('fails transiently when the gateway is down and records nothing', async () => {
      const { kit } = kitWithGateway({ errorRate: 1 });
      const input = authorization({ paymentId: 'pay-down' });
      await assert.rejects(kit.commands.authorizePayment(input, contextFor(input)), isCode('GATEWAY_UNAVAILABLE', 'unavailable'));
      assert.equal(await kit.store.streamVersion(paymentStreamId('pay-down')), 0);
    });

    it('derives the payment id from the command id and does not ask the gateway again on a replay', async () => {
      const { kit, gateway } = kitWithGateway();
      const input = authorization();
      const first = await kit.commands.authorizePayment(input, contextFor(input, { key: 'saga-9:authorize' }));
      const again = await kit.commands.authorizePayment(input, contextFor(input, { key: 'saga-9:authorize' }));
      assert.equal(again.replayed, true);
      assert.equal(again.response.aggregateId, first.response.aggregateId);
      assert.equal(gateway.calls['authorize'], 1);
    });

    it('refuses an invalid amount before asking the gateway', async () => {
      const { kit, gateway } = kitWithGateway();
      const input = authorization({ amount: -5 });
      await assert.rejects(kit.commands.authorizePayment(input, contextFor(input)), isCode('PAYMENT_INVALID_AMOUNT', 'validation'));
      assert.equal(gateway.calls['authorize'], undefined);
    });
  });

  describe('capture, void, refund', () => {
    it('captures, then refunds with gateway references', async () => {
      const { kit } = kitWithGateway();
      const paymentId = await authorized(kit);
      await kit.commands.capturePayment({ paymentId }, contextFor({ paymentId, op: 'capture' }));
      const refund = { paymentId, amount: 500, reason: 'one mug broken' };
      const result = await kit.commands.refundPayment(refund, contextFor(refund));
      assert.deepEqual(result.response.events, ['PaymentRefunded']);
      const { events } = await kit.store.readStream(paymentStreamId(paymentId));
      assert.equal((events[1]?.data as { captureReference: string }).captureReference, `cap_${paymentId}`);
      assert.equal((events[2]?.data as { refundReference: string }).refundReference, `ref_${paymentId}`);
    });

    it('refuses to capture a declined payment without calling the gateway', async () => {
      const { kit, gateway } = kitWithGateway();
      const input = authorization({ paymentMethod: { type: 'card', token: 'tok_declined' } });
      const paymentId = (await kit.commands.authorizePayment(input, contextFor(input))).response.aggregateId;
      await assert.rejects(kit.commands.capturePayment({ paymentId }, contextFor({ paymentId })), isCode('PAYMENT_DECLINED', 'precondition'));
      assert.equal(gateway.calls['capture'], undefined);
    });

    it('refuses a capture pinned to a stale version before calling the gateway', async () => {
      const { kit, gateway } = kitWithGateway();
      const paymentId = await authorized(kit);
      const pinned = contextFor({ paymentId, pinned: true }, { expectedVersion: 0 });
      await assert.rejects(
        kit.commands.capturePayment({ paymentId }, pinned),
        (e) => e instanceof ConcurrencyError && e.expectedVersion === 0 && e.actualVersion === 1,
      );
      assert.equal(gateway.calls['capture'], undefined);
      const current = contextFor({ paymentId, pinned: 1 }, { expectedVersion: 1 });
      assert.deepEqual((await kit.commands.capturePayment({ paymentId }, current)).response.events, ['PaymentCaptured']);
    });

    it('records the answer against a state moved by a write during the gateway call, from a fresh read', async () => {
      const { kit, gateway } = kitWithGateway();
      const paymentId = await authorized(kit);
      const slowCapture = gateway.capture;
      let raced = false;
      gateway.capture = async (...args) => {
        // another command completes while the gateway is busy: the state read before the call is stale
        if (!raced) {
          raced = true;
          await kit.commands.voidPayment({ paymentId }, contextFor({ paymentId, during: 'capture' }));
        }
        return slowCapture(...args);
      };
      await assert.rejects(kit.commands.capturePayment({ paymentId }, contextFor({ paymentId, op: 'late' })), isCode('PAYMENT_VOIDED'));
      const { events } = await kit.store.readStream(paymentStreamId(paymentId));
      assert.deepEqual(events.map((e) => e.type), ['PaymentAuthorized', 'PaymentVoided']);
    });

    it('voids once: a second void changes nothing and asks the gateway nothing', async () => {
      const { kit, gateway } = kitWithGateway();
      const paymentId = await authorized(kit);
      const first = await kit.commands.voidPayment({ paymentId }, contextFor({ paymentId, n: 1 }));
      const second = await kit.commands.voidPayment({ paymentId }, contextFor({ paymentId, n: 2 }));
      assert.deepEqual(first.response.events, ['PaymentVoided']);
      assert.deepEqual(second.response.events, []);
      assert.equal(second.response.version, 2);
      assert.equal(gateway.calls['void'], 1);
    });

    it('reports an unknown payment as not found', async () => {
      const { kit } = kitWithGateway();
      await assert.rejects(kit.commands.voidPayment({ paymentId: 'nope' }, contextFor({})), isCode('PAYMENT_NOT_FOUND', 'not_found'));
    });
  });
});
