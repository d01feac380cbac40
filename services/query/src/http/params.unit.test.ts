import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@orderflow/platform/errors';
import { addDays, createdRange, daysBetween } from './created-range.js';
import { codeOf, parameterErrors } from './param-errors.js';

describe('parameter error codes', () => {
  it('name the parameter', () => {
    assert.equal(codeOf('orderId'), 'INVALID_ORDER_ID');
    assert.equal(codeOf('maxWaitMs'), 'INVALID_MAX_WAIT_MS');
    assert.equal(codeOf('from'), 'INVALID_FROM');
  });

  it('map validator findings to one error per parameter, the first one giving the code', () => {
    const error = parameterErrors()(
      [
        { keyword: 'maximum', instancePath: '/limit', params: { limit: 100 }, message: 'must be <= 100' },
        { keyword: 'format', instancePath: '/from', params: {}, message: 'must match format "date"' },
        { keyword: 'format', instancePath: '/from', params: {}, message: 'must match format "date-time"' },
        { keyword: 'anyOf', instancePath: '/from', params: {}, message: 'must match a schema in anyOf' },
        { keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'colour' } },
      ],
      'querystring',
    );
    assert.ok(isAppError(error));
    assert.equal(error.code, 'LIMIT_TOO_LARGE');
    assert.equal(error.kind, 'validation');
    assert.equal(error.details?.['parameter'], 'limit');
    assert.deepEqual(
      (error.details?.['errors'] as { parameter: string; code: string }[]).map((e) => [e.parameter, e.code]),
      [
        ['limit', 'LIMIT_TOO_LARGE'],
        ['from', 'INVALID_FROM'],
        ['colour', 'UNKNOWN_PARAMETER'],
      ],
    );
    assert.match(error.message, /from must be an ISO 8601 date/);
  });

  it('list the allowed values of an enum, and use a route hint over the default', () => {
    const error = parameterErrors({ from: 'must be a day' })(
      [
        { keyword: 'enum', instancePath: '/status', params: { allowedValues: ['PAID', 'SHIPPED'] } },
        { keyword: 'format', instancePath: '/from', params: {} },
        { keyword: 'required', instancePath: '', params: { missingProperty: 'q' } },
      ],
      'querystring',
    );
    assert.ok(isAppError(error));
    assert.equal(error.code, 'INVALID_STATUS');
    assert.equal(error.message, 'status must be one of PAID, SHIPPED; from must be a day; q is required');
  });
});

describe('created range', () => {
  it('reads a date as UTC midnight and a date-only `to` as the whole day', () => {
    assert.deepEqual(createdRange('2024-01-01', '2024-01-31'), {
      createdFrom: '2024-01-01T00:00:00.000Z',
      createdTo: { at: '2024-02-01T00:00:00.000Z', inclusive: false },
    });
  });

  it('keeps instants as given, `to` inclusive', () => {
    assert.deepEqual(createdRange('2024-01-01T10:00:00+02:00', '2024-01-01T10:00:00Z'), {
      createdFrom: '2024-01-01T10:00:00+02:00',
      createdTo: { at: '2024-01-01T10:00:00Z', inclusive: true },
    });
    assert.deepEqual(createdRange(undefined, undefined), {});
    assert.deepEqual(createdRange('2024-03-01', '2024-03-01'), {
      createdFrom: '2024-03-01T00:00:00.000Z',
      createdTo: { at: '2024-03-02T00:00:00.000Z', inclusive: false },
    });
  });

  it('refuses `from` after `to` with INVALID_DATE_RANGE', () => {
    for (const [from, to] of [
      ['2024-02-01', '2024-01-31'],
      ['2024-01-01T10:00:01Z', '2024-01-01T10:00:00Z'],
      ['2024-02-01T00:00:00Z', '2024-01-31'],
    ] as const) {
      assert.throws(() => createdRange(from, to), (e: unknown) => isAppError(e) && e.code === 'INVALID_DATE_RANGE', `${from}..${to}`);
    }
  });

  it('counts days inclusively and steps across month ends', () => {
    assert.equal(daysBetween('2024-01-01', '2024-01-01'), 1);
    assert.equal(daysBetween('2024-01-01', '2024-12-31'), 366);
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  });
});
