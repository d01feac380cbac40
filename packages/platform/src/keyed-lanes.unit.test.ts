import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKeyedLanes } from './keyed-lanes.js';

/** A piece of work that records when it runs and ends only when told to. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    work: async () => {
      log.push(`${name} start`);
      await opened;
      log.push(`${name} end`);
      return name;
    },
    open: () => open(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('keyed lanes', () => {
  it('runs work on the same saga one at a time, in the order it was asked for', async () => {
    const lanes = createKeyedLanes();
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const runs = [lanes.run(['o-1'], a.work), lanes.run(['o-1'], b.work), lanes.run(['o-1'], c.work)];
    await settle();
    assert.deepEqual(log, ['a start']);
    // released out of order: c cannot start before b, nor b before a
    c.open();
    b.open();
    await settle();
    assert.deepEqual(log, ['a start']);
    a.open();
    assert.deepEqual(await Promise.all(runs), ['a', 'b', 'c']);
    assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    assert.equal(lanes.busy, 0);
  });

  it('runs work on other sagas alongside', async () => {
    const lanes = createKeyedLanes();
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const runs = [lanes.run(['o-1'], a.work), lanes.run(['o-2'], b.work)];
    await settle();
    assert.deepEqual(log, ['a start', 'b start']);
    b.open();
    a.open();
    await Promise.all(runs);
  });

  it('waits for every earlier holder of any of its sagas, and never deadlocks on overlapping sets', async () => {
    const lanes = createKeyedLanes();
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const runs = [lanes.run(['o-1', 'o-2'], a.work), lanes.run(['o-2', 'o-1'], b.work), lanes.run(['o-3', 'o-1'], c.work)];
    await settle();
    assert.deepEqual(log, ['a start']);
    a.open();
    await settle();
    assert.deepEqual(log, ['a start', 'a end', 'b start']);
    b.open();
    c.open();
    await Promise.all(runs);
    assert.deepEqual(log.slice(-2), ['c start', 'c end']);
    assert.equal(lanes.busy, 0);
  });

  it('frees the lane when the work fails, and passes the failure on', async () => {
    const lanes = createKeyedLanes();
    await assert.rejects(
      lanes.run(['o-1'], async () => {
        throw new Error('write failed');
      }),
      /write failed/,
    );
    assert.equal(await lanes.run(['o-1'], async () => 'next'), 'next');
    assert.equal(lanes.busy, 0);
  });

  it('takes a saga named twice once', async () => {
    const lanes = createKeyedLanes();
    assert.equal(await lanes.run(['o-1', 'o-1'], async () => 'once'), 'once');
    assert.equal(lanes.busy, 0);
  });
});
