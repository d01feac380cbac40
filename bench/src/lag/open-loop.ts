import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export type OpenLoopOptions = Readonly<{ ratePerSecond: number; seconds: number }>;

export type OpenLoopRun = Readonly<{
  /** Operations started, each at (or as soon as the event loop allowed after) its slot. */
  started: number;
  /** Latest start past its slot: how far the load generator itself fell behind. */
  maxStartDelayMs: number;
  /** Every operation's outcome, settled. */
  settled: Promise<PromiseSettledResult<unknown>[]>;
}>;

/** Handled the moment it is made: a failure found late is still reported, never an unhandled rejection. */
const settle = (outcome: Promise<unknown>): Promise<PromiseSettledResult<unknown>> =>
  outcome.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

/**
 * Starts `op` on a fixed schedule (operation i at i / rate seconds) whatever the earlier
 * ones are doing: an open loop, as independent customers would send. A closed loop
 * would slow down with the system and hide its queueing; here a slow answer does not
 * delay the next request. `op` gets the slot's time (`performance.now()` scale), so
 * latencies can be counted from when the request was due, not from when it left.
 */
export async function runOpenLoop(op: (index: number, dueAt: number) => Promise<unknown>, options: OpenLoopOptions): Promise<OpenLoopRun> {
  const total = Math.max(1, Math.round(options.ratePerSecond * options.seconds));
  const intervalMs = 1000 / options.ratePerSecond;
  const started = performance.now();
  const outcomes: Promise<PromiseSettledResult<unknown>>[] = [];
  let maxStartDelayMs = 0;
  while (outcomes.length < total) {
    const now = performance.now();
    // every slot that is due starts now: a late timer never drops an operation
    while (outcomes.length < total && started + outcomes.length * intervalMs <= now) {
      const dueAt = started + outcomes.length * intervalMs;
      maxStartDelayMs = Math.max(maxStartDelayMs, now - dueAt);
      outcomes.push(settle(op(outcomes.length, dueAt)));
    }
    if (outcomes.length < total) await sleep(Math.max(0, started + outcomes.length * intervalMs - performance.now()));
  }
  return { started: outcomes.length, maxStartDelayMs, settled: Promise.all(outcomes) };
}
