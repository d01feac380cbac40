import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from './logger.js';
import { startRetentionJob } from './retention-job.js';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>) => lines.push({ level, fields });
  return { lines, logger: { info: at('info'), warn: at('warn') } as unknown as Logger };
}

const HOUR = 3_600_000;
const now = new Date('2026-06-01T12:00:00Z');

describe('retention job', () => {
  it('deletes chunk after chunk until one comes back short, with the cut-off at now minus the retention', async () => {
    const calls: { olderThan: Date; limit: number }[] = [];
    const answers = [100, 100, 37];
    const pruned: number[] = [];
    const { logger } = recordingLogger();
    const retention = startRetentionJob(
      'idempotency',
      async (olderThan, limit) => {
        calls.push({ olderThan, limit });
        return answers.shift() ?? 0;
      },
      { retentionMs: 24 * HOUR, intervalMs: 60_000, chunk: 100 },
      { now: () => now, logger, onPruned: (n) => pruned.push(n) },
    );
    assert.equal(await retention.runOnce(), 237);
    assert.equal(calls.length, 3);
    assert.ok(calls.every((c) => c.limit === 100 && c.olderThan.toISOString() === '2026-05-31T12:00:00.000Z'));
    assert.deepEqual(pruned, [100, 100, 37]);
    await retention.stop();
  });

  it('runs one pass at a time: a second call joins the pass in progress', async () => {
    let release: (n: number) => void = () => undefined;
    let calls = 0;
    const { logger } = recordingLogger();
    const retention = startRetentionJob(
      'idempotency',
      () => {
        calls += 1;
        return new Promise<number>((resolve) => (release = resolve));
      },
      { retentionMs: HOUR, intervalMs: 60_000, chunk: 10 },
      { now: () => now, logger },
    );
    const [a, b] = [retention.runOnce(), retention.runOnce()];
    release(3);
    assert.deepEqual(await Promise.all([a, b]), [3, 3]);
    assert.equal(calls, 1);
    await retention.stop();
  });

  it('logs a failed scheduled run and tries again at the next one', async () => {
    let calls = 0;
    const { lines, logger } = recordingLogger();
    const retention = startRetentionJob(
      'idempotency',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return 0;
      },
      { retentionMs: HOUR, intervalMs: 20, chunk: 10 },
      { now: () => now, logger },
    );
    const deadline = Date.now() + 5_000;
    while (calls < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await retention.stop();
    assert.ok(calls >= 2, 'the schedule went on after a failure');
    assert.ok(lines.some((l) => l.level === 'warn' && l.fields['event'] === 'idempotency.prune_failed'));
  });
});
