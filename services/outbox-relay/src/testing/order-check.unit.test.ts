import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderProblems, repeatCount, type KeyedMessage } from './order-check.js';

let offset = 0n;
const msg = (key: string, version: number, eventId = `${key}-${version}`): KeyedMessage => ({
  topic: 't',
  partition: 0,
  offset: (offset += 1n),
  key,
  headers: { 'stream-version': String(version), 'event-id': eventId },
});

const expected = new Map([['a', 3]]);

describe('orderProblems (the checker the relay tests rely on)', () => {
  it('accepts versions 1..n in order', () => {
    assert.deepEqual(orderProblems([msg('a', 1), msg('a', 2), msg('a', 3)], expected, { allowRepeats: false }), []);
  });

  it('reports a gap, a swap and a missing tail', () => {
    assert.deepEqual(orderProblems([msg('a', 1), msg('a', 3)], expected, { allowRepeats: false }), [
      'a: got version 3 after 1',
      'a: reached version 1, expected 3',
    ]);
    assert.notDeepEqual(orderProblems([msg('a', 2), msg('a', 1), msg('a', 3)], expected, { allowRepeats: true }), []);
    assert.deepEqual(orderProblems([msg('a', 1), msg('a', 2)], expected, { allowRepeats: true }), ['a: reached version 2, expected 3']);
  });

  it('accepts an exact repeat only when repeats are allowed', () => {
    const withRepeat = [msg('a', 1), msg('a', 2), msg('a', 1), msg('a', 2), msg('a', 3)];
    assert.deepEqual(orderProblems(withRepeat, expected, { allowRepeats: true }), []);
    assert.notDeepEqual(orderProblems(withRepeat, expected, { allowRepeats: false }), []);
    assert.equal(repeatCount(withRepeat), 2);
  });

  it('rejects a "repeat" that carries another event id', () => {
    const forged = [msg('a', 1), msg('a', 1, 'other'), msg('a', 2), msg('a', 3)];
    assert.notDeepEqual(orderProblems(forged, expected, { allowRepeats: true }), []);
  });
});
