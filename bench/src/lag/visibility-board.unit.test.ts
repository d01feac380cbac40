import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVisibilityBoard, parseAnnouncement } from './visibility-board.js';

describe('parseAnnouncement', () => {
  it('splits at the last colon, so order ids may hold colons', () => {
    assert.deepEqual(parseAnnouncement('a:b:7'), { orderId: 'a:b', version: 7 });
  });

  it('refuses payloads without an id or a positive integer version', () => {
    for (const payload of ['7', ':7', 'a:', 'a:0', 'a:1.5', 'a:x']) assert.equal(parseAnnouncement(payload), null, payload);
  });
});

describe('visibility board', () => {
  it('resolves a wait with the time its version was announced', async () => {
    const board = createVisibilityBoard('in the test');
    const seen = board.visible('o1', 2, 1_000);
    board.announce('o1:1', 10);
    assert.equal(board.pending(), 1, 'version 1 does not satisfy a wait for 2');
    board.announce('o1:2', 20);
    assert.equal(await seen, 20);
    assert.equal(board.pending(), 0);
  });

  it('answers a late wait from an earlier announcement, with the first time the version was reached', async () => {
    const board = createVisibilityBoard('in the test');
    board.announce('o1:1', 5);
    board.announce('o1:3', 9);
    board.announce('o1:3', 12);
    assert.equal(await board.visible('o1', 1, 1_000), 5);
    assert.equal(await board.visible('o1', 2, 1_000), 9, 'version 2 was passed when 3 arrived');
    assert.equal(await board.visible('o1', 3, 1_000), 9);
  });

  it('keeps other orders apart and ignores malformed payloads', async () => {
    const board = createVisibilityBoard('in the test');
    const seen = board.visible('o2', 1, 1_000);
    board.announce('o1:1', 1);
    board.announce('garbage', 2);
    assert.equal(board.pending(), 1);
    board.announce('o2:1', 3);
    assert.equal(await seen, 3);
  });

  it('rejects a wait that outlives its timeout, and forgets it', async () => {
    const board = createVisibilityBoard('in the test');
    await assert.rejects(board.visible('o1', 1, 5), /o1 did not reach version 1 in the test within 5 ms/);
    assert.equal(board.pending(), 0);
  });

  it('fails every wait on abort', async () => {
    const board = createVisibilityBoard('in the test');
    const waits = [board.visible('o1', 1, 1_000), board.visible('o2', 1, 1_000)];
    board.abort(new Error('listener gone'));
    for (const w of waits) await assert.rejects(w, /listener gone/);
    assert.equal(board.pending(), 0);
  });
});
