/** A call's deadline: `expire` runs if it falls due before the call is settled. */
export type Deadline = { readonly at: number; settled: boolean; expire: (() => void) | undefined };

/**
 * Deadlines of calls that all get the same time, `timeoutMs`: they fall due in the order
 * they were set, so one timer, for the oldest, serves every call in flight instead of a
 * timer set and cleared per call (these are the cached reads, the busiest path). A
 * deadline falls due no earlier than `timeoutMs` after it was set and fires at most once,
 * only if its call was not settled first.
 *
 * Redis answers a connection's commands in order, so calls mostly settle oldest first and
 * leave the queue at once: it holds about the calls in flight, and nothing a call made
 * outlives it (objects kept until their deadline would outlive the young generation and
 * cost the old one's collections).
 */
export function callDeadlines(timeoutMs: number, now: () => number = () => performance.now()) {
  const queue: (Deadline | undefined)[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;

  const dropSettled = () => {
    for (let oldest = queue[head]; oldest !== undefined && oldest.settled; oldest = queue[head]) queue[head++] = undefined;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head >= 1_024) {
      queue.splice(0, head);
      head = 0;
    }
  };

  const arm = () => {
    const oldest = queue[head];
    if (timer !== undefined || oldest === undefined) return;
    timer = setTimeout(sweep, Math.max(0, Math.ceil(oldest.at - now())));
    // the calls themselves keep the process alive, never their deadlines
    timer.unref();
  };

  function sweep(): void {
    timer = undefined;
    const at = now();
    for (let oldest = queue[head]; oldest !== undefined && oldest.at <= at; oldest = queue[head]) {
      queue[head++] = undefined;
      if (oldest.settled) continue;
      const expire = oldest.expire;
      settle(oldest);
      expire?.();
    }
    dropSettled();
    arm();
  }

  /** False when the deadline had already fired or the call was settled before. */
  function settle(deadline: Deadline): boolean {
    if (deadline.settled) return false;
    deadline.settled = true;
    deadline.expire = undefined;
    if (deadline === queue[head]) dropSettled();
    return true;
  }

  return {
    add(expire: () => void): Deadline {
      const deadline: Deadline = { at: now() + timeoutMs, settled: false, expire };
      queue.push(deadline);
      arm();
      return deadline;
    },
    settle,
  };
}
