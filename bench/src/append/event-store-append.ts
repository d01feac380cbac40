import { currentSchemaVersion } from '@orderflow/contracts';
import { createPgEventStore, type PgEventStoreOptions } from '@orderflow/event-store';
import type pg from 'pg';
import { STREAM_TYPE, type AppendInput } from './append-input.js';

/** Our store as the command service uses it (group commit on by default): one event, no-stream check, idempotency key. */
export function eventStoreAppender(pool: pg.Pool, options: Pick<PgEventStoreOptions, 'groupCommit'> = {}): (input: AppendInput) => Promise<void> {
  const store = createPgEventStore({ pool, currentSchemaVersions: currentSchemaVersion, ...options });
  return async (input) => {
    const result = await store.appendToStream(
      input.streamId,
      [{ eventId: input.eventId, type: input.eventType, data: input.data, metadata: input.metadata }],
      {
        streamType: STREAM_TYPE,
        expectedVersion: 'no_stream',
        idempotency: { key: input.idempotencyKey, requestHash: input.requestHash, response: input.response },
      },
    );
    if (result.status !== 'appended') throw new Error(`event store answered ${result.status} for a fresh stream`);
  };
}
