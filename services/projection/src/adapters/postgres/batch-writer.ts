import type { Envelope } from '../../envelope.js';
import { toOrderDetail } from '../../orders/order-view.js';
import { selectBatchRows, writeBatch, type BatchRows, type BatchWrites } from './batch.statements.js';
import { beginWithLocks, lockKeys, streamKeyString, type Queryable, type StreamKey } from './checkpoint.statements.js';
import type { OrderChange } from './order-change.js';
import type { ParkedStreamInput } from './parked.statements.js';
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

const unitEvents = (routed: readonly Routed[], unit: ProjectionUnit) => routed.filter((r) => r.unit === unit).map((r) => r.envelope.event);

function rowKeysOf(routed: readonly Routed[]): { orderIds: string[]; productIds: string[] } {
  const orderIds = new Set<string>();
  const productIds = new Set<string>();
  for (const unit of projectionUnits) {
    const events = unitEvents(routed, unit);
    if (events.length === 0) continue;
    const keys = unit.rowKeysOf(events);
    for (const id of keys.orderIds) orderIds.add(id);
    for (const id of keys.productIds) productIds.add(id);
  }
  return { orderIds: [...orderIds], productIds: [...productIds] };
}

/** In the fixed order of `projectionUnits`. */
function beginSessions(rows: BatchRows, routed: readonly Routed[]): Map<string, ProjectionSession> {
  const sessions = new Map<string, ProjectionSession>();
  for (const unit of projectionUnits) {
    const events = unitEvents(routed, unit);
    if (events.length > 0) sessions.set(unit.name, unit.begin(rows, events));
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

function writesOf(sessions: Map<string, ProjectionSession>, fold: Fold): BatchWrites {
  const effects = [...sessions.values()].map((s) => s.writes());
  return {
    orderViews: effects.flatMap((e) => e.orderViews ?? []),
    payments: effects.flatMap((e) => e.payments ?? []),
    shipments: effects.flatMap((e) => e.shipments ?? []),
    customers: effects.flatMap((e) => e.customers ?? []),
    sales: effects.flatMap((e) => e.sales ?? []),
    inventory: effects.flatMap((e) => e.inventory ?? []),
    versions: [...fold.advanced.values()],
    parkedStreams: fold.newlyParked,
    parkedEvents: fold.parked.flatMap((p) =>
      p.source ? [{ projection: p.projection, streamId: p.event.streamId, streamVersion: p.event.streamVersion, source: p.source, error: null }] : [],
    ),
  };
}

export type ApplyOptions = Readonly<{
  /** Open the transaction with the locks, in one round trip; the caller then owns COMMIT or ROLLBACK. */
  begin?: boolean;
}>;

/**
 * Applies envelopes in one transaction: locks, then one read, then folds in memory, then
 * one write of the effects, new versions, parked messages and NOTIFYs, which commit
 * together. Three round trips, the first carrying BEGIN when `begin` is set. An event
 * that throws defers itself and the rest of its stream without failing the others.
 *
 * The versions table is the first read-model table each batch touches: a rebuild's swap
 * locks it first, so a batch either finishes before the swap or starts after it.
 */
export async function applyEnvelopes(db: Queryable, target: WriteTarget, envelopes: readonly Envelope[], opts: ApplyOptions = {}): Promise<ApplyResult> {
  const routed = route(envelopes);
  const keys = [...new Map(routed.map((r) => [streamKeyString(r.key), r.key])).values()];
  const lockNames = [...keys.map((k) => `stream:${k.streamId}`), ...routed.flatMap((r) => r.unit.lockKeysOf(r.envelope.event))];
  await (opts.begin === true ? beginWithLocks(db, target.lockClass, lockNames) : lockKeys(db, target.lockClass, lockNames));
  if (routed.length === 0) return { applied: [], duplicates: 0, parked: [], newlyParked: [], failures: [], deferred: [], changes: [] };
  const rows = await selectBatchRows(db, target.tables, { streams: keys, withParked: target.parking, ...rowKeysOf(routed) });
  const sessions = beginSessions(rows, routed);
  const fold = foldInOrder(routed, target, rows.versions, rows.parked, sessions);
  const writes = writesOf(sessions, fold);
  const revisions = await writeBatch(db, target.tables, writes);
  const changes: OrderChange[] = writes.orderViews.map((v) => ({
    orderId: v.orderId,
    version: v.version,
    revision: revisions.get(v.orderId) ?? '0',
    detail: toOrderDetail(v),
  }));
  const { applied, duplicates, parked, newlyParked, failures, deferred } = fold;
  return { applied, duplicates, parked, newlyParked, failures, deferred, changes };
}
