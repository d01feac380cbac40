/**
 * A latched wake-up: a `notify()` that arrives while nobody waits is kept, so a
 * notification during a batch is never lost; the next `wait` returns at once.
 */
export type WakeSignal = {
  notify(): void;
  /** Resolves on the next notification or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void>;
};

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let wake: (() => void) | undefined;
  return {
    notify() {
      if (wake) wake();
      else pending = true;
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    },
  };
}
