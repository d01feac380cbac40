/**
 * Runs this process's decisions one at a time per saga, in the order they were asked for,
 * and decisions on other sagas alongside. Without it, a command's answer and an event for
 * the same saga arriving together (ConfirmOrder's success and OrderConfirmed) both decide
 * from the same known state: one loses its guarded write and is decided again under
 * locks, a failed statement and four more round trips. In a lane, the second one starts
 * from the state the first one wrote.
 *
 * A piece of work takes all its keys at once, when it is asked for, so it only ever waits
 * on work asked for before it: no cycle, whatever the key sets. Work must not ask for a
 * lane of its own keys (it would wait on itself).
 */
export function createSagaLanes() {
  // per key, the end of the last piece of work asked for on it
  const tails = new Map<string, Promise<void>>();

  return {
    async run<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
      const own = [...new Set(keys)];
      let done!: () => void;
      const end = new Promise<void>((resolve) => (done = resolve));
      const earlier: Promise<void>[] = [];
      for (const key of own) {
        const tail = tails.get(key);
        if (tail) earlier.push(tail);
        tails.set(key, end);
      }
      try {
        if (earlier.length > 0) await Promise.all(earlier);
        return await work();
      } finally {
        done();
        for (const key of own) if (tails.get(key) === end) tails.delete(key);
      }
    },
    /** Keys with work running or waiting. */
    get busy(): number {
      return tails.size;
    },
  };
}

export type SagaLanes = ReturnType<typeof createSagaLanes>;
