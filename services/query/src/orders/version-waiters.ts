/**
 * Requests waiting for an order view to reach a version, woken by notifications. Pure
 * bookkeeping (no I/O), shared by every waiter through one listening connection.
 *
 * A waiter is registered before its caller re-reads the row: a notification that lands
 * between that read and `wait()` has already resolved the waiter, so it is never missed.
 */
export type VersionWaiter = {
  /** True when woken (by a matching notification or a reconnect), false when `ms` ran out. */
  wait(ms: number): Promise<boolean>;
  /** Unregisters; always called, whatever the outcome. */
  cancel(): void;
};

export type VersionWaiters = {
  register(orderId: string, minVersion: number): VersionWaiter;
  /** Wakes the waiters of `orderId` whose minimum is reached; returns how many. */
  notify(orderId: string, version: number): number;
  /** Wakes everyone to re-check: notifications may have been lost while no connection listened. */
  wakeAll(): number;
  /** Stopping: wakes everyone, and later waits end at once as timeouts, so no caller spins or hangs. */
  close(): void;
  size(): number;
};

type Entry = { minVersion: number; wake: () => void };

const closedWaiter: VersionWaiter = { wait: async () => false, cancel: () => {} };

export function createVersionWaiters(): VersionWaiters {
  const byOrder = new Map<string, Set<Entry>>();
  let closed = false;

  const remove = (orderId: string, entry: Entry) => {
    const set = byOrder.get(orderId);
    if (!set) return;
    set.delete(entry);
    if (set.size === 0) byOrder.delete(orderId);
  };

  const register = (orderId: string, minVersion: number): VersionWaiter => {
    if (closed) return closedWaiter;
    let wake!: () => void;
    const woken = new Promise<true>((resolve) => {
      wake = () => resolve(true);
    });
    const entry: Entry = { minVersion, wake };
    const set = byOrder.get(orderId) ?? new Set<Entry>();
    set.add(entry);
    byOrder.set(orderId, set);
    return {
      wait: async (ms) => {
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), Math.max(0, ms));
        });
        try {
          return await Promise.race([woken, expired]);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel: () => remove(orderId, entry),
    };
  };

  const notify = (orderId: string, version: number): number => {
    const set = byOrder.get(orderId);
    if (!set) return 0;
    let count = 0;
    for (const entry of [...set]) {
      if (version < entry.minVersion) continue;
      entry.wake();
      remove(orderId, entry);
      count += 1;
    }
    return count;
  };

  const wakeAll = (): number => {
    let count = 0;
    for (const [orderId, set] of [...byOrder]) {
      for (const entry of [...set]) {
        entry.wake();
        remove(orderId, entry);
        count += 1;
      }
    }
    return count;
  };

  const size = () => [...byOrder.values()].reduce((n, s) => n + s.size, 0);

  const close = () => {
    closed = true;
    wakeAll();
  };

  return { register, notify, wakeAll, close, size };
}

/** `<orderId>:<version>`; order ids may contain `:` themselves, so the version is after the last one. */
export function parseVersionNotification(payload: string | undefined): { orderId: string; version: number } | null {
  if (!payload) return null;
  const colon = payload.lastIndexOf(':');
  if (colon <= 0) return null;
  const digits = payload.slice(colon + 1);
  if (!/^\d{1,10}$/.test(digits)) return null;
  const version = Number(digits);
  return Number.isSafeInteger(version) ? { orderId: payload.slice(0, colon), version } : null;
}
