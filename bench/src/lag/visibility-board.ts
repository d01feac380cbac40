/**
 * Matches "order X reached version V in the read model" announcements with the orders
 * the load is waiting for. An announcement may arrive before the command's 202 is read
 * (the response sits in a socket while the pipeline runs): it is kept, and the wait
 * that comes later resolves at once with the earlier time. Times are `performance.now()`.
 */
export type VisibilityBoard = Readonly<{
  /** `orderId:version`, as the projection sends on `order_view_updated`. */
  announce: (payload: string, at: number) => void;
  /** Resolves with the time the order first reached `version`; rejects after `timeoutMs`. */
  visible: (orderId: string, version: number, timeoutMs: number) => Promise<number>;
  /** Fails every wait at once (the listener is gone). */
  abort: (error: Error) => void;
  pending: () => number;
}>;

type Waiter = { version: number; resolve: (at: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** The last `:` splits: order ids may contain colons, versions never do. */
export function parseAnnouncement(payload: string): { orderId: string; version: number } | null {
  const at = payload.lastIndexOf(':');
  if (at <= 0) return null;
  const version = Number(payload.slice(at + 1));
  return Number.isSafeInteger(version) && version > 0 ? { orderId: payload.slice(0, at), version } : null;
}

/** `where` names what the board watches, for the timeout's message. */
export function createVisibilityBoard(where: string): VisibilityBoard {
  const waiters = new Map<string, Waiter[]>();
  // every version announced, ascending, with the time it was first reached: a wait that
  // starts late is answered from here (the board lives for one run, so it stays small)
  const seenVersions = new Map<string, { version: number; at: number }[]>();

  const settle = (orderId: string, version: number, at: number) => {
    const list = waiters.get(orderId);
    if (list === undefined) return;
    const reached = list.filter((w) => w.version <= version);
    if (reached.length === 0) return;
    const rest = list.filter((w) => w.version > version);
    if (rest.length === 0) waiters.delete(orderId);
    else waiters.set(orderId, rest);
    for (const w of reached) {
      clearTimeout(w.timer);
      w.resolve(at);
    }
  };

  return {
    announce(payload, at) {
      const parsed = parseAnnouncement(payload);
      if (parsed === null) return;
      const seen = seenVersions.get(parsed.orderId) ?? [];
      if ((seen.at(-1)?.version ?? 0) < parsed.version) seenVersions.set(parsed.orderId, [...seen, { version: parsed.version, at }]);
      settle(parsed.orderId, parsed.version, at);
    },
    visible(orderId, version, timeoutMs) {
      const reached = seenVersions.get(orderId)?.find((e) => e.version >= version);
      if (reached !== undefined) return Promise.resolve(reached.at);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          const list = waiters.get(orderId)?.filter((w) => w.timer !== timer) ?? [];
          if (list.length === 0) waiters.delete(orderId);
          else waiters.set(orderId, list);
          reject(new Error(`${orderId} did not reach version ${version} ${where} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(orderId, [...(waiters.get(orderId) ?? []), { version, resolve, reject, timer }]);
      });
    },
    abort(error) {
      for (const list of waiters.values()) {
        for (const w of list) {
          clearTimeout(w.timer);
          w.reject(error);
        }
      }
      waiters.clear();
    },
    pending: () => [...waiters.values()].reduce((n, list) => n + list.length, 0),
  };
}
