import type { Envelope } from '../../envelope.js';
import {
  lockKeys,
  notifyOrderViews,
  selectStreamStates,
  streamKeyString,
  upsertStreamVersions,
  type Queryable,
  type StreamKey,
} from './checkpoint.statements.js';
import type { OrderChange } from './order-change.js';
import { insertParkedEvents, insertParkedStreams, type ParkedStreamInput } from './parked.statements.js';
import { projectionUnits, unitOf, type ProjectionSession, type ProjectionUnit } from './projection-units.js';
import type { WriteTarget } from './tables.js';

export type AppliedEnvelope = Envelope & Readonly<{ projection: string }>;
export type FailedEnvelope = Readonly<{ envelope: Envelope; projection: string; error: Error }>;

export type ApplyResult = Readonly<{
  applied: readonly AppliedEnvelope[];
  duplicates: number;
  /** Stored in projection_parked_events: their stream was parked, or is now. */
  parked: readonly Envelope[];
  /** Streams this batch parked because an earlier version is missing. */
  newlyParked: readonly ParkedStreamInput[];
  /** The first event of a stream that could not be applied. */
  failures: readonly FailedEnvelope[];
  /** Neither applied nor parked: a failed event and the rest of its stream in this batch. */
  deferred: readonly Envelope[];
  changes: readonly OrderChange[];
}>;

type Routed = Readonly<{ envelope: Envelope; unit: ProjectionUnit; key: StreamKey }>;

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

function route(envelopes: readonly Envelope[]): Routed[] {
  return envelopes.flatMap((envelope) => {
    const unit = unitOf(envelope.event.streamType);
    return unit ? [{ envelope, unit, key: { projection: unit.name, streamId: envelope.event.streamId } }] : [];
  });
}

/** In the fixed order of `projectionUnits`, so every batch writes the tables in one order. */
async function beginSessions(db: Queryable, target: WriteTarget, routed: readonly Routed[]): Promise<Map<string, ProjectionSession>> {
  const sessions = new Map<string, ProjectionSession>();
  for (const unit of projectionUnits) {
    const events = routed.filter((r) => r.unit === unit).map((r) => r.envelope.event);
    if (events.length > 0) sessions.set(unit.name, await unit.begin(db, target.tables, events));
  }
  return sessions;
}

type Fold = {
  applied: AppliedEnvelope[];
  parked: (Envelope & { projection: string })[];
  newlyParked: ParkedStreamInput[];
  failures: FailedEnvelope[];
  deferred: Envelope[];
  advanced: Map<string, StreamKey & { version: number }>;
  duplicates: number;
};

/**
 * Walks the batch in order. Per projection and stream: skip what is applied, park on a
 * gap (or fail, where nothing parks), fold the next version; after a failure the rest of
 * that stream is deferred. Only memory changes here.
 */
function foldInOrder(
  routed: readonly Routed[],
  target: WriteTarget,
  versions: Map<string, number>,
  parkedKeys: Set<string>,
  sessions: Map<string, ProjectionSession>,
): Fold {
  const fold: Fold = { applied: [], parked: [], newlyParked: [], failures: [], deferred: [], advanced: new Map(), duplicates: 0 };
  const failedKeys = new Set<string>();
  for (const { envelope, unit, key } of routed) {
    const k = streamKeyString(key);
    const version = envelope.event.streamVersion;
    const last = versions.get(k) ?? 0;
    if (failedKeys.has(k)) {
      fold.deferred.push(envelope);
    } else if (parkedKeys.has(k)) {
      fold.parked.push({ ...envelope, projection: unit.name });
    } else if (version <= last) {
      fold.duplicates += 1;
    } else if (version > last + 1 && target.parking) {
      parkedKeys.add(k);
      fold.newlyParked.push({ ...key, reason: 'gap', error: `expected version ${last + 1}, got ${version}`, source: envelope.source });
      fold.parked.push({ ...envelope, projection: unit.name });
    } else {
      try {
        if (version > last + 1) throw new Error(`${key.streamId}: expected version ${last + 1}, got ${version}`);
        sessions.get(unit.name)?.fold(envelope.event);
      } catch (e) {
        failedKeys.add(k);
        fold.failures.push({ envelope, projection: unit.name, error: asError(e) });
        fold.deferred.push(envelope);
        continue;
      }
      versions.set(k, version);
      fold.advanced.set(k, { ...key, version });
      fold.applied.push({ ...envelope, projection: unit.name });
    }
  }
  return fold;
}

/**
 * Applies envelopes in one transaction the caller owns: locks, then reads, then folds in
 * memory, then writes effects, new versions, parked messages and NOTIFYs, which commit
 * together. An event that throws defers itself and the rest of its stream without
 * failing the others.
 *
 * The versions table is the first read-model table each batch touches: a rebuild's swap
 * locks it first, so a batch either finishes before the swap or starts after it.
 */
export async function applyEnvelopes(db: Queryable, target: WriteTarget, envelopes: readonly Envelope[]): Promise<ApplyResult> {
  const routed = route(envelopes);
  const keys = [...new Map(routed.map((r) => [streamKeyString(r.key), r.key])).values()];
  await lockKeys(db, target.lockClass, [
    ...keys.map((k) => `stream:${k.streamId}`),
    ...routed.flatMap((r) => r.unit.lockKeysOf(r.envelope.event)),
  ]);
  const { versions, parked: parkedKeys } = await selectStreamStates(db, target.tables.streamVersions, keys, target.parking);
  const sessions = await beginSessions(db, target, routed);
  const fold = foldInOrder(routed, target, versions, parkedKeys, sessions);

  const changes: OrderChange[] = [];
  for (const session of sessions.values()) changes.push(...(await session.save()));
  await upsertStreamVersions(db, target.tables.streamVersions, [...fold.advanced.values()]);
  await insertParkedStreams(db, fold.newlyParked);
  await insertParkedEvents(
    db,
    fold.parked.flatMap((p) =>
      p.source ? [{ projection: p.projection, streamId: p.event.streamId, streamVersion: p.event.streamVersion, source: p.source, error: null }] : [],
    ),
  );
  await notifyOrderViews(db, changes);
  const { applied, duplicates, parked, newlyParked, failures, deferred } = fold;
  return { applied, duplicates, parked, newlyParked, failures, deferred, changes };
}
