import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, isTransient } from './retry-policy.js';

describe('retry policy', () => {
  it('doubles the delay per attempt up to a cap', () => {
    const policy = { attempts: 5, backoffMs: 100 };
    assert.deepEqual([1, 2, 3, 4].map((a) => backoffDelay(policy, a)), [100, 200, 400, 800]);
    assert.equal(backoffDelay(policy, 20, 5_000), 5_000);
  });

  it('retries what the infrastructure causes', () => {
    assert.ok(isTransient({ code: '40P01', message: 'deadlock detected' }));
    assert.ok(isTransient({ code: '08006', message: 'connection failure' }));
    assert.ok(isTransient({ code: '57P01', message: 'terminating connection due to administrator command' }));
    assert.ok(isTransient({ code: '55P03', message: 'lock timeout' }));
    assert.ok(isTransient({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }));
    assert.ok(isTransient(new Error('Connection terminated unexpectedly')));
  });

  it('does not retry forever what the event causes', () => {
    assert.equal(isTransient({ code: '22003', message: 'integer out of range' }), false);
    assert.equal(isTransient({ code: '23502', message: 'null value violates not-null constraint' }), false);
    assert.equal(isTransient(new TypeError('cannot read properties of undefined')), false);
  });
});
