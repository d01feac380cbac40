import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKnownStreams, snapshotVersionAfter } from './known-streams.js';

const stream = (streamVersion: number) => ({ state: { streamVersion }, streamVersion, snapshotVersion: null });

describe('known streams', () => {
  it('keep the newest version known, whatever order commands finish in', () => {
    const known = createKnownStreams();
    known.put('s', stream(3));
    known.put('s', stream(2));
    assert.equal(known.get('s')?.streamVersion, 3);
    known.forget('s');
    assert.equal(known.get('s'), undefined);
  });

  it('forget the oldest entries beyond their capacity', () => {
    const known = createKnownStreams(2);
    known.put('a', stream(1));
    known.put('b', stream(1));
    known.put('a', stream(2));
    known.put('c', stream(1));
    assert.equal(known.get('b'), undefined);
    assert.equal(known.get('a')?.streamVersion, 2);
  });

  it('run work on overlapping streams one after another, and on others side by side', async () => {
    const known = createKnownStreams();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name} end`);
    };
    await Promise.all([
      known.exclusive(['x', 'y'], step('first', 20)),
      known.exclusive(['y'], step('second', 1)),
      known.exclusive(['z'], step('other', 1)),
    ]);
    assert.ok(log.indexOf('second start') > log.indexOf('first end'), log.join(', '));
    assert.ok(log.indexOf('other end') < log.indexOf('first end'), log.join(', '));
  });

  it('release a stream when the work fails', async () => {
    const known = createKnownStreams();
    await assert.rejects(known.exclusive(['x'], () => Promise.reject(new Error('boom'))));
    assert.equal(await known.exclusive(['x'], () => Promise.resolve('next')), 'next');
  });
});

describe('snapshot version after an append', () => {
  it('moves to the new version when a snapshot was due', () => {
    assert.equal(snapshotVersionAfter(50, null, 50), 50);
    assert.equal(snapshotVersionAfter(60, 50, 50), 50);
    assert.equal(snapshotVersionAfter(100, 50, 50), 100);
    assert.equal(snapshotVersionAfter(100, 50, undefined), 50);
  });
});
