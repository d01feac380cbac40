import type { Logger, Pool } from '@orderflow/platform';
import { selectOutboxDepth } from '../adapters/postgres/outbox-statements.js';
import type { RelayMetrics } from './relay-metrics.js';

/** Samples outbox and parked depth on a timer; returns the function that stops it. */
export function startDepthSampler(pool: Pool, metrics: RelayMetrics, intervalMs: number, logger: Logger): () => void {
  let running = false;
  const sample = async () => {
    if (running) return;
    running = true;
    try {
      const depth = await selectOutboxDepth(pool);
      metrics.outboxDepth.set(depth.queued);
      metrics.parkedDepth.set(depth.parked);
    } catch (e) {
      logger.debug({ event: 'relay.depth_sample_failed', err: e }, 'outbox depth sample failed');
    } finally {
      running = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
