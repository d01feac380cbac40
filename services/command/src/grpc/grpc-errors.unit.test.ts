import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { AppError, ConcurrencyError, notFound, precondition, validation } from '@orderflow/platform/errors';
import { commandServiceDefinition, protoRoot } from './command-proto.js';
import { toServiceError } from './grpc-errors.js';

describe('gRPC error mapping', () => {
  const cases: [string, unknown, number, string][] = [
    ['validation', validation('ORDER_INVALID_ID', 'bad'), status.INVALID_ARGUMENT, 'ORDER_INVALID_ID'],
    ['not found', notFound('ORDER_NOT_FOUND', 'gone'), status.NOT_FOUND, 'ORDER_NOT_FOUND'],
    ['precondition', precondition('ORDER_CANCELLED', 'no'), status.FAILED_PRECONDITION, 'ORDER_CANCELLED'],
    ['conflict', new ConcurrencyError('order-1', 3, 4), status.ABORTED, 'CONCURRENCY_CONFLICT'],
    ['key reuse', new AppError('unprocessable', 'IDEMPOTENCY_KEY_REUSED', 'reused'), status.INVALID_ARGUMENT, 'IDEMPOTENCY_KEY_REUSED'],
    ['gateway down', new AppError('unavailable', 'GATEWAY_UNAVAILABLE', 'down'), status.UNAVAILABLE, 'GATEWAY_UNAVAILABLE'],
    ['gateway timeout', new AppError('unavailable', 'GATEWAY_TIMEOUT', 'slow'), status.DEADLINE_EXCEEDED, 'GATEWAY_TIMEOUT'],
    ['carrier timeout', new AppError('unavailable', 'CARRIER_TIMEOUT', 'slow'), status.DEADLINE_EXCEEDED, 'CARRIER_TIMEOUT'],
    ['a bug', new TypeError('x is undefined'), status.INTERNAL, 'INTERNAL'],
  ];
  for (const [name, error, code, errorCode] of cases) {
    it(`maps ${name} to status ${code} with error-code ${errorCode}`, () => {
      const mapped = toServiceError(error);
      assert.equal(mapped.code, code);
      assert.deepEqual(mapped.metadata?.get('error-code'), [errorCode]);
    });
  }

  it('never leaks the message of a bug', () => {
    assert.equal(toServiceError(new Error('password=hunter2')).details, 'internal error');
  });
});

describe('command.proto', () => {
  it('is found from the compiled module and declares every command', () => {
    const methods = Object.keys(commandServiceDefinition()).sort();
    assert.deepEqual(methods, [
      'AuthorizePayment',
      'CancelOrder',
      'CancelShipment',
      'CapturePayment',
      'ConfirmOrder',
      'CreateShipment',
      'RecordPayment',
      'RefundPayment',
      'ReleaseInventory',
      'ReplenishStock',
      'ReserveInventory',
      'ShipOrder',
      'VoidPayment',
    ]);
  });

  it('is looked up in a proto/ folder above the given directory, as in the image', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    assert.equal(protoRoot(here), path.resolve(here, '../../../../proto'));
    assert.throws(() => protoRoot('/'), /not found/);
  });
});
