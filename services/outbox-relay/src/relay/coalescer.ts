/**
 * Turns concurrent calls into one: calls made in the same turn of the event loop, or
 * while the previous run is in flight, go out together as one run, and at most one run is
 * in flight. Under a burst the partition workers then share one round trip (one read,
 * one produce request, one delete) instead of queueing one each behind the others; a
 * lone call waits for nothing but the end of its turn.
 *
 * `run` answers the inputs in their order; if it throws, every call of that run rejects
 * with the error (each caller retries its own batch, as it would have alone).
 */
export function createCoalescer<I, O>(run: (inputs: readonly I[]) => Promise<readonly O[]>): (input: I) => Promise<O> {
  type Call = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };
  let waiting: Call[] = [];
  let busy = false;

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const calls = waiting;
      waiting = [];
      try {
        const outputs = await run(calls.map((c) => c.input));
        if (outputs.length !== calls.length) throw new Error(`coalesced run answered ${outputs.length} of ${calls.length} calls`);
        calls.forEach((c, i) => c.resolve(outputs[i] as O));
      } catch (e) {
        for (const c of calls) c.reject(e);
      }
    }
    busy = false;
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (busy) return;
      busy = true;
      // after this turn's other callers (workers woken by one notification) have joined
      setImmediate(() => void drain());
    });
}
