import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

export type SagaEnd = Readonly<{ status: string; endedAt: Date }>;

/**
 * Tells when sagas end by reading the orchestrator's table: one query per interval for
 * every saga awaited, however many, probing the (saga type, order id) key: the watcher
 * shares the machine with the system it measures, so it must stay cheap. `endedAt` is
 * the saga row's own change time, so a completion time does not include the polling
 * interval.
 */
export function createSagaWatcher(pool: pg.Pool, intervalMs = 20) {
  const waiting = new Map<string, { resolve: (end: SagaEnd) => void; reject: (e: unknown) => void }>();
  let stopped = false;

  const poll = async () => {
    while (!stopped) {
      if (waiting.size > 0) {
        try {
          const { rows } = await pool.query<{ order_id: string; status: string; updated_at: Date }>({
            // unnamed, so planned for the ids and the table size of the moment
            text: `SELECT order_id, status, updated_at FROM saga_instances
              WHERE saga_type = 'order' AND order_id = ANY($1::text[]) AND status NOT IN ('RUNNING', 'COMPENSATING')`,
            values: [[...waiting.keys()]],
          });
          for (const r of rows) {
            waiting.get(r.order_id)?.resolve({ status: r.status, endedAt: r.updated_at });
            waiting.delete(r.order_id);
          }
        } catch (error) {
          for (const w of waiting.values()) w.reject(error);
          waiting.clear();
        }
      }
      await sleep(intervalMs);
    }
  };
  const loop = poll();

  return {
    ended(orderId: string, timeoutMs = 120_000): Promise<SagaEnd> {
      return new Promise<SagaEnd>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(orderId);
          reject(new Error(`the saga of order ${orderId} did not end within ${timeoutMs} ms`));
        }, timeoutMs);
        const settle = <T>(f: (v: T) => void) => (v: T) => {
          clearTimeout(timer);
          f(v);
        };
        waiting.set(orderId, { resolve: settle(resolve), reject: settle(reject) });
      });
    },
    async stop(): Promise<void> {
      stopped = true;
      await loop;
    },
  };
}

export type SagaWatcher = ReturnType<typeof createSagaWatcher>;
