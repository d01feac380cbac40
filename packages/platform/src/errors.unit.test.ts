import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, ConcurrencyError, grpcStatusOf, httpStatusOf, toProblem } from './errors.js';

describe('toProblem', () => {
  it('maps the kind to the HTTP status and keeps the stable code', () => {
    const p = toProblem(new AppError('precondition', 'ORDER_ALREADY_CONFIRMED', 'already confirmed'), '/x');
    assert.equal(p.status, 409);
    assert.equal(p.code, 'ORDER_ALREADY_CONFIRMED');
    assert.equal(p.instance, '/x');
  });

  it('never lets a detail override a standard member', () => {
    const p = toProblem(new AppError('precondition', 'ORDER_SHIPPED', 'shipped', { status: 'shipped', code: 'X', orderId: 'o-1' }));
    assert.equal(p.status, 409);
    assert.equal(p.code, 'ORDER_SHIPPED');
    assert.equal(p.orderId, 'o-1');
  });

  it('maps a concurrency conflict to 409 and gRPC ABORTED', () => {
    const e = new ConcurrencyError('order-1', 3, 4);
    assert.equal(httpStatusOf[e.kind], 409);
    assert.equal(grpcStatusOf[e.kind], 10);
    assert.equal(toProblem(e).actualVersion, 4);
  });
});
