import type { Logger } from 'pino';
import { flushLogs } from './logger.js';

export type Closer = Readonly<{ name: string; close: () => Promise<unknown> }>;

/**
 * Graceful shutdown: on SIGTERM/SIGINT, run closers in the order given (callers list
 * them in reverse order of opening: stop taking work, finish in-flight work, commit,
 * close pools). A hard deadline exits non-zero so an orchestrator never waits forever.
 */
export function installShutdown(logger: Logger, closers: () => readonly Closer[], timeoutMs: number) {
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ event: 'shutdown.started', signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ event: 'shutdown.timeout', timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    let failed = false;
    for (const c of closers()) {
      try {
        await c.close();
      } catch (e) {
        failed = true;
        logger.error({ event: 'shutdown.close_failed', closer: c.name, err: e }, 'close failed');
      }
    }
    logger.info({ event: 'shutdown.completed', failed }, 'stopped');
    await flushLogs();
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return { isShuttingDown: () => shuttingDown, shutdown };
}

/** Fatal start-up failure: one clear line on stderr, exit non-zero. */
export function exitOnStartupError(service: string, logger: Logger | undefined, e: unknown): never {
  const message = e instanceof Error ? e.message : String(e);
  if (logger) logger.fatal({ event: 'startup.failed', err: e }, message);
  else process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * Runs every step in order even when one fails, so one failure (a consumer that will not
 * leave its group cleanly) leaves no connection of the later steps open; then rethrows
 * the first failure.
 */
export async function closeInOrder(steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      failures.push(e);
    }
  }
  if (failures.length > 0) throw failures[0];
}
