/**
 * Runs work one piece at a time per key, in the order it was asked for, and work on other
 * keys alongside: within one process, work on the same aggregate (a saga, a stream) then
 * starts from what the previous piece left instead of racing it. The saga orchestrator
 * runs its decisions per saga this way, the command service its commands per stream.
 *
 * A piece of work takes all its keys at once, when it is asked for, so it only ever waits
 * on work asked for before it: no cycle, whatever the key sets. Work must not ask for a
 * lane of its own keys (it would wait on itself). A piece that fails still lets the next in.
 */
export function createKeyedLanes() {
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

export type KeyedLanes = ReturnType<typeof createKeyedLanes>;
