import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, precondition } from '@orderflow/platform/errors';
import { createCommandBreakers, type BreakerPolicy, type BreakerState } from './command-breakers.js';

const policy: BreakerPolicy = {
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  resetTimeoutMs: 60_000,
  rollingWindowMs: 10_000,
  callTimeoutMs: 100,
};
const down = () => Promise.reject(new AppError('unavailable', 'GATEWAY_UNAVAILABLE', 'down'));
const refused = () => Promise.reject(precondition('ORDER_CANCELLED', 'cancelled'));
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('command breakers', () => {
  it('open after transient failures and then refuse calls without making them', async () => {
    const changes: string[] = [];
    const breakers = createCommandBreakers(policy, (type, state: BreakerState) => changes.push(`${type}:${state}`));
    for (let i = 0; i < 3; i++) assert.equal(await codeOf(breakers.fire('VoidPayment', down)), 'GATEWAY_UNAVAILABLE');
    let called = false;
    const code = await codeOf(
      breakers.fire('VoidPayment', async () => {
        called = true;
      }),
    );
    assert.equal(code, 'EOPENBREAKER');
    assert.equal(called, false);
    assert.equal(breakers.stateOf('VoidPayment'), 'open');
    assert.deepEqual(changes, ['VoidPayment:open']);
    breakers.shutdown();
  });

  it('keep one circuit per command type', async () => {
    const breakers = createCommandBreakers(policy);
    for (let i = 0; i < 3; i++) await codeOf(breakers.fire('VoidPayment', down));
    assert.equal(await codeOf(breakers.fire('ReserveInventory', async () => {})), 'ok');
    assert.equal(breakers.stateOf('ReserveInventory'), 'closed');
    breakers.shutdown();
  });

  it('do not count business refusals as failures', async () => {
    const breakers = createCommandBreakers(policy);
    for (let i = 0; i < 5; i++) assert.equal(await codeOf(breakers.fire('ConfirmOrder', refused)), 'ORDER_CANCELLED');
    assert.equal(breakers.stateOf('ConfirmOrder'), 'closed');
    breakers.shutdown();
  });

  it('abort a call that outlives its timeout, as a transient failure', async () => {
    const breakers = createCommandBreakers(policy);
    let aborted = false;
    const hung = (signal: AbortSignal) =>
      new Promise<void>(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    assert.equal(await codeOf(breakers.fire('AuthorizePayment', hung)), 'COMMAND_TIMEOUT');
    assert.equal(aborted, true);
    breakers.shutdown();
  });
});
