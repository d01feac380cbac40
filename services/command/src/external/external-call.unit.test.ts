import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, isAppError } from '@orderflow/platform/errors';
import { callExternal } from './external-call.js';
import { neverAnswer } from './simulation.js';

const gateway = { name: 'payment gateway', code: 'GATEWAY', timeoutMs: 30 } as const;
const isCode = (code: string) => (e: unknown) => isAppError(e) && e.code === code && e.kind === 'unavailable';

describe('external calls', () => {
  it('answer with what the system answered', async () => {
    assert.equal(await callExternal(gateway, undefined, async () => 'ok'), 'ok');
  });

  it('fail as a transient GATEWAY_TIMEOUT when the system does not answer in time', async () => {
    const started = performance.now();
    await assert.rejects(callExternal(gateway, undefined, (signal) => neverAnswer(signal)), isCode('GATEWAY_TIMEOUT'));
    assert.ok(performance.now() - started < 1_000);
  });

  it('turn an adapter abort error into the reason of the abort', async () => {
    const call = callExternal({ ...gateway, code: 'CARRIER' }, undefined, (signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('socket aborted')))),
    );
    await assert.rejects(call, isCode('CARRIER_TIMEOUT'));
  });

  it('abort when the caller goes away', async () => {
    const caller = new AbortController();
    const call = callExternal({ ...gateway, timeoutMs: 10_000 }, caller.signal, (signal) => neverAnswer(signal));
    caller.abort();
    await assert.rejects(call, isCode('CALL_CANCELLED'));
  });

  it('pass the system own errors through', async () => {
    const unavailable = new AppError('unavailable', 'GATEWAY_UNAVAILABLE', 'down');
    await assert.rejects(callExternal(gateway, undefined, () => Promise.reject(unavailable)), (e) => e === unavailable);
  });
});
