import { createGroupCommitter } from './group-commit.js';

/**
 * Turns concurrent calls into one: calls made in the same turn of the event loop, or
 * while the previous run is in flight, go out together as one run, and at most one run is
 * in flight (a group committer with one slot). Under a burst the callers then share one
 * round trip (the relay's partition workers one read, one produce request, one delete)
 * instead of queueing one each behind the others; a lone call waits for nothing but the
 * end of its turn.
 *
 * `run` answers the inputs in their order; if it throws, every call of that run rejects
 * with the error (each caller retries its own batch, as it would have alone).
 */
export function createCoalescer<I, O>(run: (inputs: readonly I[]) => Promise<readonly O[]>): (input: I) => Promise<O> {
  const committer = createGroupCommitter<I, O>(
    async (inputs) => {
      const outputs = await run(inputs);
      if (outputs.length !== inputs.length) throw new Error(`coalesced run answered ${outputs.length} of ${inputs.length} calls`);
      return outputs.map((value) => ({ ok: true as const, value }));
    },
    { maxConcurrent: 1, maxBatch: Number.MAX_SAFE_INTEGER },
  );
  return committer.submit;
}
