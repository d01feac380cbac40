import type { RecordedEvent } from '@orderflow/contracts';
import { createPgEventStore, START_CHECKPOINT, type GlobalCheckpoint } from '@orderflow/event-store';
import type { Pool } from '@orderflow/platform';

/** Appends each stream's events in order, as the command service would have. */
export async function seedEventStore(pool: Pool, events: readonly RecordedEvent[]): Promise<void> {
  const store = createPgEventStore({ pool });
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  for (const [streamId, list] of streams) {
    await store.appendToStream(
      streamId,
      list.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata })),
      { streamType: list[0]?.streamType ?? '', expectedVersion: 'no_stream' },
    );
  }
}

/** Everything in the store, as the relay would read it to publish. */
export async function readWholeStore(pool: Pool): Promise<RecordedEvent[]> {
  const store = createPgEventStore({ pool });
  const all: RecordedEvent[] = [];
  let from: GlobalCheckpoint = START_CHECKPOINT;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, limit: 1_000 });
    if (page.events.length === 0) return all;
    all.push(...page.events);
    from = page.checkpoint;
  }
}
