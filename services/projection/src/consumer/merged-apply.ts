import { createGroupCommitter, settle, type Settled } from '@orderflow/event-store';
import type { ApplyResult } from '../adapters/postgres/batch-writer.js';
import type { ReadModelWriter } from '../adapters/postgres/read-model-writer.js';
import type { Envelope } from '../envelope.js';

/**
 * Batches of different partitions handled at the same moment share one transaction.
 * They would otherwise queue one after another on the locks of rows every order touches
 * (the day's sales, a customer's summary), each holding them until its own commit, while
 * kafkajs waits for the slowest before it fetches again. Calls that arrive while the
 * writer's transaction is running wait and go together into the next one; each caller
 * gets the part of the result that concerns its own envelopes. If the shared transaction
 * fails, every caller's envelopes are applied again on their own, so a caller only ever
 * sees its own failure.
 */
export function mergingWriter(writer: ReadModelWriter, maxCallsPerTransaction = 32): ReadModelWriter {
  const run = async (calls: readonly (readonly Envelope[])[]): Promise<Settled<ApplyResult>[]> => {
    const alone = (envelopes: readonly Envelope[]) => settle(writer.apply(envelopes));
    if (calls.length === 1) return [await alone(calls[0] ?? [])];
    let merged: ApplyResult;
    try {
      merged = await writer.apply(calls.flat());
    } catch {
      return Promise.all(calls.map(alone));
    }
    return splitResult(merged, calls).map((value) => ({ ok: true as const, value }));
  };
  const committer = createGroupCommitter(run, { maxConcurrent: 1, maxBatch: maxCallsPerTransaction });
  return { ...writer, apply: (envelopes) => committer.submit(envelopes) };
}

const eventKey = (e: Envelope) => e.event.eventId;

/**
 * Each caller's share of a shared result: its envelopes' outcomes and the streams it
 * parked. Counts and cache changes concern no envelope in particular: the first caller
 * reports the duplicates, and every order change goes to the first caller, which
 * refreshes Redis after its offset commit like any other.
 */
export function splitResult(merged: ApplyResult, calls: readonly (readonly Envelope[])[]): ApplyResult[] {
  const owner = new Map<string, number>();
  const streamOwner = new Map<string, number>();
  calls.forEach((envelopes, index) =>
    envelopes.forEach((e) => {
      owner.set(eventKey(e), index);
      streamOwner.set(e.event.streamId, index);
    }),
  );
  const mine = <T>(items: readonly T[], key: (t: T) => string | undefined, index: number, by: Map<string, number>) =>
    items.filter((item) => {
      const k = key(item);
      return k !== undefined && by.get(k) === index;
    });
  return calls.map((_, index) => ({
    applied: mine(merged.applied, eventKey, index, owner),
    duplicates: index === 0 ? merged.duplicates : 0,
    parked: mine(merged.parked, eventKey, index, owner),
    newlyParked: mine(merged.newlyParked, (p) => p.streamId, index, streamOwner),
    failures: mine(merged.failures, (f) => eventKey(f.envelope), index, owner),
    deferred: mine(merged.deferred, eventKey, index, owner),
    changes: index === 0 ? merged.changes : [],
  }));
}
