import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ConcurrencyError, precondition } from '@orderflow/platform/errors';
import { classifyFailure } from './command-gateway.js';

describe('classifyFailure', () => {
  it('treats an unavailable command service as transient', () =>
    assert.deepEqual(classifyFailure(new AppError('unavailable', 'GATEWAY_TIMEOUT', 'no answer')), {
      code: 'GATEWAY_TIMEOUT',
      kind: 'unavailable',
      message: 'no answer',
      transient: true,
    }));
  it('treats a concurrency conflict as transient', () => assert.equal(classifyFailure(new ConcurrencyError('order-1', 3)).transient, true));
  it('treats a business refusal as final', () =>
    assert.deepEqual(classifyFailure(precondition('ORDER_CANCELLED', 'cancelled')), {
      code: 'ORDER_CANCELLED',
      kind: 'precondition',
      message: 'cancelled',
      transient: false,
    }));
  it('treats unknown errors as transient, keeping their code', () => {
    const open = Object.assign(new Error('Breaker is open'), { code: 'EOPENBREAKER' });
    assert.deepEqual(classifyFailure(open), { code: 'EOPENBREAKER', kind: null, message: 'Breaker is open', transient: true });
    assert.equal(classifyFailure('boom').code, 'COMMAND_TRANSPORT_ERROR');
  });
});
