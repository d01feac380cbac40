import { conflict, notFound, type Pool } from '@orderflow/platform';
import type { EventStore } from '@orderflow/event-store';
import type { Admin } from 'kafkajs';
import { consumerLag, type PartitionLag } from './adapters/kafka/consumer-lag.js';
import type { ProjectionConsumer } from './adapters/kafka/projection-consumer.js';
import { selectStreamVersions, streamKeyString } from './adapters/postgres/checkpoint.statements.js';
import { listParkedStreams, type ParkedStream } from './adapters/postgres/parked.statements.js';
import { liveTables } from './adapters/postgres/tables.js';
import { retryParkedStream, type ParkedRetryDeps, type RetryOutcome } from './parked/parked-retry.js';
import { projections } from './projection.js';
import type { RebuildJob, RebuildState } from './rebuild/rebuild-job.js';
import type { RebuildReport } from './rebuild/rebuild.js';

export type ProjectionStatus = Readonly<{
  consumer: Readonly<{ groupId: string; running: boolean; topics: readonly string[] }>;
  projections: readonly Readonly<{ name: string; streamTypes: readonly string[]; streams: number; parkedStreams: number }>[];
  partitions: readonly PartitionLag[];
  totalLag: number;
  rebuild: RebuildState;
}>;

export type StreamEventsView = Readonly<{
  streamId: string;
  version: number;
  events: readonly Record<string, unknown>[];
  projections: readonly Readonly<{ name: string; appliedVersion: number; parked: boolean }>[];
}>;

/** What an operator can do with the projection service: the admin API's use cases. */
export type ProjectionAdmin = {
  status(): Promise<ProjectionStatus>;
  streamEvents(streamId: string, opts: { fromVersion: number; limit: number }): Promise<StreamEventsView>;
  rebuild(): Promise<RebuildReport>;
  rebuildState(): RebuildState;
  replay(): Promise<{ groupId: string; topics: readonly string[] }>;
  listParked(limit: number): Promise<ParkedStream[]>;
  retryParked(streamId: string): Promise<RetryOutcome[]>;
};

export type ProjectionAdminDeps = ParkedRetryDeps &
  Readonly<{ pool: Pool; store: EventStore; kafkaAdmin: Admin; consumer: ProjectionConsumer; rebuildJob: RebuildJob }>;

async function projectionCounts(pool: Pool) {
  const { rows } = await pool.query<{ projection: string; streams: number; parked: number }>(
    `SELECT p.projection,
       (SELECT count(*)::int FROM ${liveTables.streamVersions} v WHERE v.projection = p.projection) AS streams,
       (SELECT count(*)::int FROM projection_parked_streams s WHERE s.projection = p.projection) AS parked
     FROM unnest($1::text[]) AS p(projection)`,
    [projections.map((p) => p.name)],
  );
  return new Map(rows.map((r) => [r.projection, r]));
}

/** The broker's answer per group to DeleteGroups, from kafkajs' error. */
const deleteGroupsErrors = (e: unknown): string[] =>
  ((e as { groups?: { error?: { type?: string } }[] }).groups ?? []).map((g) => g.error?.type ?? 'UNKNOWN');

export function createProjectionAdmin(deps: ProjectionAdminDeps): ProjectionAdmin {
  const { pool, store, kafkaAdmin, consumer, rebuildJob } = deps;
  return {
    async status() {
      const counts = await projectionCounts(pool);
      const partitions = await consumerLag(kafkaAdmin, consumer.groupId, consumer.topics);
      return {
        consumer: { groupId: consumer.groupId, running: consumer.isRunning(), topics: consumer.topics },
        projections: projections.map((p) => ({
          name: p.name,
          streamTypes: p.streamTypes,
          streams: counts.get(p.name)?.streams ?? 0,
          parkedStreams: counts.get(p.name)?.parked ?? 0,
        })),
        partitions,
        totalLag: partitions.reduce((n, p) => n + p.lag, 0),
        rebuild: rebuildJob.state(),
      };
    },

    async streamEvents(streamId, { fromVersion, limit }) {
      const { events, streamVersion } = await store.readStream(streamId, { fromVersion, maxCount: limit });
      if (streamVersion === 0) throw notFound('STREAM_NOT_FOUND', `stream ${streamId} has no events`, { streamId });
      const keys = projections.map((p) => ({ projection: p.name, streamId }));
      const versions = await selectStreamVersions(pool, liveTables.streamVersions, keys);
      const parked = new Set((await listParkedStreams(pool, { streamId, limit: 100 })).map((p) => p.projection));
      return {
        streamId,
        version: streamVersion,
        events: events.map((e) => ({ ...e, globalPosition: e.globalPosition.toString(), recordedAt: e.recordedAt.toISOString() })),
        projections: keys
          .filter((k) => versions.has(streamKeyString(k)) || parked.has(k.projection))
          .map((k) => ({ name: k.projection, appliedVersion: versions.get(streamKeyString(k)) ?? 0, parked: parked.has(k.projection) })),
      };
    },

    rebuild: () => rebuildJob.start(),
    rebuildState: () => rebuildJob.state(),

    async replay() {
      await consumer.stop();
      try {
        // without committed offsets the group starts from the earliest: replay is deleting them
        await kafkaAdmin.deleteGroups([consumer.groupId]);
      } catch (e) {
        const errors = deleteGroupsErrors(e);
        if (errors.includes('NON_EMPTY_GROUP')) {
          throw conflict('CONSUMER_GROUP_ACTIVE', `other members of group ${consumer.groupId} are running; stop them to replay`, {
            groupId: consumer.groupId,
          });
        }
        if (!errors.every((type) => type === 'GROUP_ID_NOT_FOUND')) throw e;
      } finally {
        await consumer.start();
      }
      return { groupId: consumer.groupId, topics: consumer.topics };
    },

    listParked: (limit) => listParkedStreams(pool, { limit }),
    retryParked: (streamId) => retryParkedStream(deps, streamId),
  };
}
