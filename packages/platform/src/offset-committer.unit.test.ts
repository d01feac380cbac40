import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOffsetCommitter, type SendCommit } from './offset-committer.js';

type Sent = Parameters<SendCommit>[0];

const flat = (sent: Sent) => sent.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p.partition}@${p.offset}`)).sort();

describe('offset committer', () => {
  it('sends the offsets of batches finishing together in one request', async () => {
    const sent: Sent[] = [];
    const send: SendCommit = async (offsets) => void sent.push(offsets);
    const committer = createOffsetCommitter();
    await Promise.all([committer.commit('orders', 0, '5', send), committer.commit('orders', 3, '9', send), committer.commit('payments', 1, '2', send)]);
    assert.equal(sent.length, 1);
    assert.deepEqual(flat(sent[0] as Sent), ['orders/0@5', 'orders/3@9', 'payments/1@2']);
  });

  it('keeps the furthest offset of a partition and sends one request at a time', async () => {
    const sent: Sent[] = [];
    let inFlight = 0;
    const send: SendCommit = async (offsets) => {
      inFlight += 1;
      assert.equal(inFlight, 1, 'commits never overlap');
      await new Promise((resolve) => setTimeout(resolve, 5));
      sent.push(offsets);
      inFlight -= 1;
    };
    const committer = createOffsetCommitter();
    const first = committer.commit('orders', 0, '5', send);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [committer.commit('orders', 0, '8', send), committer.commit('orders', 0, '7', send)];
    await Promise.all([first, ...later]);
    await committer.idle();
    assert.deepEqual(sent.map(flat), [['orders/0@5'], ['orders/0@8']]);
  });

  it('spaces commits by the minimum interval, unless told to hurry', async () => {
    const sentAt: number[] = [];
    const send: SendCommit = async () => void sentAt.push(performance.now());
    const committer = createOffsetCommitter({ minIntervalMs: 60 });
    const started = performance.now();
    await committer.commit('orders', 0, '1', send);
    await committer.commit('orders', 0, '2', send);
    assert.ok((sentAt[1] ?? 0) - (sentAt[0] ?? 0) >= 55, `the second commit waited, ${(sentAt[1] ?? 0) - (sentAt[0] ?? 0)} ms`);
    const third = committer.commit('orders', 0, '3', send);
    committer.hurry();
    await new Promise((resolve) => setImmediate(resolve));
    committer.hurry();
    await third;
    assert.ok((sentAt[2] ?? 0) - (sentAt[1] ?? 0) < 40, 'a hurried commit goes at once');
    assert.ok(performance.now() - started < 1_000);
    await committer.idle();
  });

  it('fails the batches of a request that fails', async () => {
    const committer = createOffsetCommitter();
    const refused: SendCommit = () => Promise.reject(new Error('rebalance in progress'));
    await assert.rejects(committer.commit('orders', 0, '1', refused), /rebalance/);
  });

  it('drains before a stop: a commit waiting out the interval goes at once, and so do later ones', async () => {
    const sent: Sent[] = [];
    const send: SendCommit = async (offsets) => void sent.push(offsets);
    const committer = createOffsetCommitter({ minIntervalMs: 60_000 });
    await committer.commit('orders', 0, '1', send);
    const waiting = committer.commit('orders', 0, '2', send);
    const started = Date.now();
    await committer.drain();
    await waiting;
    await committer.commit('orders', 0, '3', send);
    assert.ok(Date.now() - started < 5_000, 'nothing waited out the minute');
    assert.deepEqual(sent.map(flat), [['orders/0@1'], ['orders/0@2'], ['orders/0@3']]);
  });

  it('sends nothing once sealed: a waiting commit and a later one resolve unsent', async () => {
    const sent: Sent[] = [];
    const send: SendCommit = async (offsets) => void sent.push(offsets);
    const committer = createOffsetCommitter({ minIntervalMs: 60_000 });
    await committer.commit('orders', 0, '1', send);
    const waiting = committer.commit('orders', 0, '2', send);
    committer.seal();
    await waiting;
    await committer.commit('orders', 0, '3', send);
    await committer.idle();
    assert.deepEqual(sent.map(flat), [['orders/0@1']]);
  });
});
