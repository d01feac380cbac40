import type { Logger, Pool } from '@orderflow/platform';
import { earliestDeadline, postponeDeadlines } from '../adapters/postgres/saga-store.js';
import type { SagaHandler } from '../order-saga/order-saga.handler.js';
import { startDeadlineTimer, type DeadlineTimer } from './deadline-timer.js';

export type DeadlinesAfterJoinDeps = Readonly<{
  pool: Pool;
  handler: SagaHandler;
  logger: Logger;
  intervalMs: number;
  /** Every deadline is at least this far away when the timer starts. */
  graceMs: number;
  /** See `deadlineHorizon`; the clock when absent. */
  dueBy?: (now: Date) => Promise<Date>;
  clock?: () => Date;
}>;

/**
 * Step deadlines start firing only once the consumer has joined its group and been given
 * its partitions. Until then the answers to steps in flight may sit unread in Kafka (after
 * a SIGKILL the broker keeps the dead member's partitions for a session timeout), and a
 * deadline firing meanwhile would compensate a saga that succeeded. On that first join
 * every deadline is pushed to at least now + grace: commands sent again at start get time
 * to be answered, however long the orchestrator was down.
 */
export function startDeadlinesAfterJoin(deps: DeadlinesAfterJoinDeps) {
  const clock = deps.clock ?? (() => new Date());
  let timer: DeadlineTimer | null = null;
  let arming: Promise<void> | null = null;
  let stopped = false;

  async function arm(): Promise<void> {
    let postponed = 0;
    if (deps.graceMs > 0) {
      const until = new Date(clock().getTime() + deps.graceMs);
      // without the grace the timer still works; a failure here must not keep it from starting
      postponed = await postponeDeadlines(deps.pool, until).catch((e: unknown) => {
        deps.logger.error({ event: 'saga.deadlines_postpone_failed', err: e }, 'postponing deadlines failed');
        return 0;
      });
    }
    if (stopped) return;
    timer = startDeadlineTimer({ ...deps, earliest: () => earliestDeadline(deps.pool), clock });
    deps.logger.info({ event: 'saga.deadlines_armed', postponed, graceMs: deps.graceMs }, 'deadline timer started');
  }

  return {
    /** Wire to the consumer's group joins; only the first one starts the timer. */
    joined(assignment: Readonly<Record<string, readonly number[]>>): void {
      deps.logger.info({ event: 'saga.consumer_joined', assignment }, 'consumer joined its group');
      arming ??= arm();
    },
    async stop(): Promise<void> {
      stopped = true;
      await arming;
      await timer?.stop();
    },
  };
}
