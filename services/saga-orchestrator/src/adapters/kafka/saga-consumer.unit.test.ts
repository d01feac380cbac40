import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInfrastructureDown } from './saga-consumer.js';

describe('isInfrastructureDown', () => {
  it('recognizes PostgreSQL connection failures', () => {
    assert.equal(isInfrastructureDown(Object.assign(new Error('terminating connection'), { code: '57P01' })), true);
    assert.equal(isInfrastructureDown(Object.assign(new Error('connection failure'), { code: '08006' })), true);
    assert.equal(isInfrastructureDown(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isInfrastructureDown(new Error('Connection terminated unexpectedly')), true);
  });
  it('recognizes a registry that cannot be reached or fails', () => {
    assert.equal(isInfrastructureDown(Object.assign(new Error('Error, status 400: connect ECONNREFUSED 127.0.0.1:8091'), { status: 400 })), true);
    assert.equal(isInfrastructureDown(Object.assign(new Error('internal error'), { status: 503 })), true);
  });
  it('blames the message for anything else', () => {
    assert.equal(isInfrastructureDown(Object.assign(new Error('Schema 42 not found.'), { status: 404 })), false);
    assert.equal(isInfrastructureDown(new Error('Message encoded with magic byte 110, expected 0')), false);
    assert.equal(isInfrastructureDown(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
    assert.equal(isInfrastructureDown('boom'), false);
  });
});
