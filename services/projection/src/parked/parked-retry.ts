import type { EventStore } from '@orderflow/event-store';
import { inTransaction, notFound, precondition, type Pool } from '@orderflow/platform';
import type { MessageDecoder } from '../adapters/kafka/message-decoder.js';
import { applyEnvelopes } from '../adapters/postgres/batch-writer.js';
import { lockKeys, selectStreamVersions, streamKeyString, type StreamKey } from '../adapters/postgres/checkpoint.statements.js';
import type { OrderChange } from '../adapters/postgres/order-change.js';
import { deleteParkedStream, listParkedStreams, selectParkedEvents, type ParkedEvent } from '../adapters/postgres/parked.statements.js';
import { liveTarget } from '../adapters/postgres/tables.js';
import type { Envelope } from '../envelope.js';

export type ParkedRetryDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  decoder: MessageDecoder;
  publish: (changes: readonly OrderChange[]) => Promise<void>;
}>;

export type RetryOutcome = Readonly<{ projection: string; streamId: string; applied: number; fromVersion: number; toVersion: number }>;

/**
 * The versions after `applied` up to the newest parked one: each from its parked message
 * when that decodes, otherwise from the event store (the poison message itself, or a
 * version that never arrived). A version neither has keeps the stream parked.
 */
async function resolveParked(deps: ParkedRetryDeps, key: StreamKey, parked: readonly ParkedEvent[], applied: number): Promise<Envelope[]> {
  const byVersion = new Map<number, Envelope>();
  for (const p of parked) {
    if (p.streamVersion === null || p.streamVersion <= applied) continue;
    const decoded = await deps.decoder.decode(p.source);
    if (decoded.ok && decoded.envelope.event.streamVersion === p.streamVersion) byVersion.set(p.streamVersion, decoded.envelope);
  }
  const newest = Math.max(applied, ...parked.map((p) => p.streamVersion ?? 0));
  if (byVersion.size < newest - applied) {
    const { events } = await deps.store.readStream(key.streamId, { fromVersion: applied + 1, maxCount: newest - applied });
    for (const event of events) if (!byVersion.has(event.streamVersion)) byVersion.set(event.streamVersion, { event });
  }
  const envelopes: Envelope[] = [];
  for (let v = applied + 1; v <= newest; v += 1) {
    const envelope = byVersion.get(v);
    if (envelope === undefined) {
      throw precondition('PARKED_GAP_UNRESOLVED', `version ${v} of ${key.streamId} is neither parked nor in the event store`, { ...key, version: v });
    }
    envelopes.push(envelope);
  }
  return envelopes;
}

async function retryOne(deps: ParkedRetryDeps, key: StreamKey): Promise<{ outcome: RetryOutcome; changes: readonly OrderChange[] }> {
  return inTransaction(deps.pool, async (client) => {
    // the stream's lock first: no batch applies or parks it while it is retried
    await lockKeys(client, liveTarget.lockClass, [`stream:${key.streamId}`]);
    const applied = (await selectStreamVersions(client, liveTarget.tables.streamVersions, [key])).get(streamKeyString(key)) ?? 0;
    const envelopes = await resolveParked(deps, key, await selectParkedEvents(client, key), applied);
    await deleteParkedStream(client, key);
    const result = await applyEnvelopes(client, liveTarget, envelopes);
    const failure = result.failures[0]?.error.message ?? result.newlyParked[0]?.error;
    if (failure !== undefined) {
      throw precondition('PARKED_RETRY_FAILED', `${key.streamId} still cannot be applied: ${failure}`, { ...key });
    }
    const toVersion = envelopes.at(-1)?.event.streamVersion ?? applied;
    return { outcome: { ...key, applied: result.applied.length, fromVersion: applied + 1, toVersion }, changes: result.changes };
  });
}

/**
 * Re-applies a parked aggregate's events in order and unparks it, for every projection
 * that parked it; all or nothing per projection. Failing again leaves it parked (409).
 */
export async function retryParkedStream(deps: ParkedRetryDeps, streamId: string): Promise<RetryOutcome[]> {
  const parked = await listParkedStreams(deps.pool, { streamId, limit: 100 });
  if (parked.length === 0) throw notFound('STREAM_NOT_PARKED', `stream ${streamId} is not parked`, { streamId });
  const outcomes: RetryOutcome[] = [];
  for (const p of parked) {
    const { outcome, changes } = await retryOne(deps, { projection: p.projection, streamId });
    await deps.publish(changes);
    outcomes.push(outcome);
  }
  return outcomes;
}
