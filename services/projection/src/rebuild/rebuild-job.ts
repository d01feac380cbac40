import { conflict, type Logger } from '@orderflow/platform';
import type { RebuildReport } from './rebuild.js';

export type RebuildState =
  | Readonly<{ status: 'idle' }>
  | Readonly<{ status: 'running'; startedAt: string }>
  | Readonly<{ status: 'succeeded'; startedAt: string; finishedAt: string; report: RebuildReport }>
  | Readonly<{ status: 'failed'; startedAt: string; finishedAt: string; error: string }>;

export type RebuildJob = {
  state(): RebuildState;
  /** Starts a rebuild in the background; the promise settles when it ends. */
  start(): Promise<RebuildReport>;
};

/** This instance's rebuild, observable from the admin API while it runs. */
export function createRebuildJob(run: () => Promise<RebuildReport>, logger: Logger): RebuildJob {
  let state: RebuildState = { status: 'idle' };
  let running: Promise<RebuildReport> | null = null;
  return {
    state: () => state,
    start() {
      if (running !== null) throw conflict('REBUILD_IN_PROGRESS', 'a rebuild of the read models is already running');
      const startedAt = new Date().toISOString();
      state = { status: 'running', startedAt };
      logger.info({ event: 'projection.rebuild_started' }, 'rebuild started');
      const job = run().then(
        (report) => {
          state = { status: 'succeeded', startedAt, finishedAt: new Date().toISOString(), report };
          logger.info({ event: 'projection.rebuild_succeeded', ...report, failedStreams: report.failedStreams.length }, 'rebuild swapped in');
          return report;
        },
        (e: unknown) => {
          const error = e instanceof Error ? e.message : String(e);
          state = { status: 'failed', startedAt, finishedAt: new Date().toISOString(), error };
          logger.error({ event: 'projection.rebuild_failed', err: e }, 'rebuild failed');
          throw e;
        },
      );
      running = job;
      void job.catch(() => {}).finally(() => {
        running = null;
      });
      return job;
    },
  };
}
