import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGroupCommitOptions, createGroupCommitter, type Settled } from './group-commit.js';

/** A writer whose groups the test answers one by one. */
function controlledWriter<I>() {
  const groups: { items: readonly I[]; answer: (outcomes: readonly Settled<string>[]) => void; fail: (e: Error) => void }[] = [];
  const run = (items: readonly I[]) =>
    new Promise<readonly Settled<string>[]>((resolve, reject) => {
      groups.push({ items, answer: resolve, fail: reject });
    });
  return { groups, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const ok = (value: string): Settled<string> => ({ ok: true, value });

describe('group commit', () => {
  it('sends a lone item at the next turn, as a group of one', async () => {
    const writer = controlledWriter<number>();
    const committer = createGroupCommitter(writer.run, { maxConcurrent: 2, maxBatch: 8 });
    const answer = committer.submit(1);
    await turn();
    assert.deepEqual(writer.groups.map((g) => g.items), [[1]]);
    writer.groups[0]?.answer([ok('one')]);
    assert.equal(await answer, 'one');
  });

  it('groups what waits while every slot is busy and answers each item with its own outcome', async () => {
    const writer = controlledWriter<number>();
    const committer = createGroupCommitter(writer.run, { maxConcurrent: 1, maxBatch: 8 });
    const first = committer.submit(1);
    await turn();
    const waiting = [2, 3, 4].map((n) => committer.submit(n));
    await turn();
    assert.equal(writer.groups.length, 1, 'no second statement while the only slot is busy');
    assert.equal(committer.waiting(), 3);

    writer.groups[0]?.answer([ok('a')]);
    assert.equal(await first, 'a');
    await turn();
    assert.deepEqual(writer.groups.map((g) => g.items), [[1], [2, 3, 4]]);
    const conflict = new Error('conflict of item 3');
    writer.groups[1]?.answer([ok('b'), { ok: false, error: conflict }, ok('d')]);
    const outcomes = await Promise.allSettled(waiting);
    assert.deepEqual(outcomes[0], { status: 'fulfilled', value: 'b' });
    assert.deepEqual(outcomes[1], { status: 'rejected', reason: conflict });
    assert.deepEqual(outcomes[2], { status: 'fulfilled', value: 'd' });
  });

  it('shares what waits among the free slots and never exceeds maxBatch or maxConcurrent', async () => {
    const writer = controlledWriter<number>();
    const committer = createGroupCommitter(writer.run, { maxConcurrent: 2, maxBatch: 3 });
    const answers = Array.from({ length: 10 }, (_, n) => committer.submit(n));
    await turn();
    assert.deepEqual(writer.groups.map((g) => g.items), [[0, 1, 2], [3, 4, 5]], 'two slots, at most three each');
    writer.groups[0]?.answer([ok('0'), ok('1'), ok('2')]);
    await turn();
    await turn();
    assert.deepEqual(writer.groups[2]?.items, [6, 7, 8], 'the freed slot takes the next three');
    assert.equal(writer.groups.length, 3);
    writer.groups[1]?.answer([ok('3'), ok('4'), ok('5')]);
    await turn();
    await turn();
    assert.deepEqual(writer.groups[3]?.items, [9]);
    writer.groups[2]?.answer([ok('6'), ok('7'), ok('8')]);
    writer.groups[3]?.answer([ok('9')]);
    assert.deepEqual(await Promise.all(answers), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('splits a backlog evenly between two free slots', async () => {
    const writer = controlledWriter<number>();
    const committer = createGroupCommitter(writer.run, { maxConcurrent: 2, maxBatch: 64 });
    const answers = Array.from({ length: 8 }, (_, n) => committer.submit(n));
    await turn();
    assert.deepEqual(writer.groups.map((g) => g.items.length), [4, 4]);
    writer.groups.forEach((g) => g.answer(g.items.map((n) => ok(String(n)))));
    assert.equal((await Promise.all(answers)).length, 8);
  });

  it('rejects every item of a group whose writer fails, and keeps serving', async () => {
    const writer = controlledWriter<number>();
    const committer = createGroupCommitter(writer.run, { maxConcurrent: 1, maxBatch: 8 });
    const doomed = [1, 2].map((n) => committer.submit(n));
    await turn();
    const down = new Error('database down');
    writer.groups[0]?.fail(down);
    const outcomes = await Promise.allSettled(doomed);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason === down));

    const later = committer.submit(3);
    await turn();
    assert.deepEqual(writer.groups[1]?.items, [3], 'the slot was given back');
    writer.groups[1]?.answer([ok('three')]);
    assert.equal(await later, 'three');
  });

  it('rejects an item the writer left without an outcome instead of leaving it waiting', async () => {
    const writer = controlledWriter<number>();
    const committer = createGroupCommitter(writer.run, { maxConcurrent: 1, maxBatch: 8 });
    const answers = [1, 2].map((n) => committer.submit(n));
    await turn();
    writer.groups[0]?.answer([ok('only one')]);
    const outcomes = await Promise.allSettled(answers);
    assert.equal(outcomes[0]?.status, 'fulfilled');
    assert.equal(outcomes[1]?.status, 'rejected');
  });

  it('refuses settings that could never send anything', () => {
    assert.throws(() => checkGroupCommitOptions({ maxConcurrent: 0, maxBatch: 8 }), RangeError);
    assert.throws(() => checkGroupCommitOptions({ maxConcurrent: 1, maxBatch: 0 }), RangeError);
    assert.throws(() => checkGroupCommitOptions({ maxConcurrent: 1.5, maxBatch: 8 }), RangeError);
  });
});
