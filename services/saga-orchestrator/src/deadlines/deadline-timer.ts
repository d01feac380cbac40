import type { Logger } from '@orderflow/platform';
import type { SagaHandler } from '../order-saga/order-saga.handler.js';

export type DeadlineTimerDeps = Readonly<{
  handler: SagaHandler;
  logger: Logger;
  intervalMs: number;
  /** The earliest armed deadline: a tick before it does nothing more. */
  earliest: () => Promise<Date | null>;
  /** Deadlines up to this time may fire now; the clock when absent. */
  dueBy?: (now: Date) => Promise<Date>;
  /** Deadlines fired per tick at most, so one tick never runs unbounded. */
  batch?: number;
  clock?: () => Date;
}>;

/**
 * Fires passed step deadlines. The deadlines are rows, not timers in memory: whatever
 * passed while no orchestrator ran fires after start, and several instances share the
 * work through SKIP LOCKED.
 */
export function startDeadlineTimer(deps: DeadlineTimerDeps) {
  const clock = deps.clock ?? (() => new Date());
  const batch = deps.batch ?? 100;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    const now = clock();
    const earliest = await deps.earliest();
    if (earliest === null || earliest > now) return;
    const dueBy = deps.dueBy ? await deps.dueBy(now) : now;
    if (earliest > dueBy) return;
    for (let i = 0; i < batch && !stopped; i++) {
      if (!(await deps.handler.fireDueDeadline(clock(), dueBy))) return;
    }
  };

  const run = () =>
    tick()
      .catch((e: unknown) => deps.logger.error({ event: 'saga.deadline_tick_failed', err: e }, 'firing deadlines failed'))
      .finally(schedule);
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => (current = run()), deps.intervalMs);
  };
  current = run();

  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

export type DeadlineTimer = ReturnType<typeof startDeadlineTimer>;
