import type { Logger } from '@orderflow/platform';
import type { SagaHandler } from '../order-saga/order-saga.handler.js';

export type DeadlineTimerDeps = Readonly<{
  handler: SagaHandler;
  logger: Logger;
  intervalMs: number;
  /** Deadlines fired per tick at most, so one tick never runs unbounded. */
  batch?: number;
  clock?: () => Date;
}>;

/**
 * Fires passed step deadlines. The deadlines are rows, not timers in memory: whatever
 * passed while no orchestrator ran fires on the first tick after start, and several
 * instances share the work through SKIP LOCKED.
 */
export function startDeadlineTimer(deps: DeadlineTimerDeps) {
  const clock = deps.clock ?? (() => new Date());
  const batch = deps.batch ?? 100;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    for (let i = 0; i < batch && !stopped; i++) {
      if (!(await deps.handler.fireDueDeadline(clock()))) return;
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick()
        .catch((e: unknown) => deps.logger.error({ event: 'saga.deadline_tick_failed', err: e }, 'firing deadlines failed'))
        .finally(schedule);
    }, deps.intervalMs);
  };
  current = tick()
    .catch((e: unknown) => deps.logger.error({ event: 'saga.deadline_tick_failed', err: e }, 'firing deadlines failed'))
    .finally(schedule);

  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
