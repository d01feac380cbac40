import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@orderflow/contracts';
import { AppError, validation } from '@orderflow/platform/errors';
import type { ExpectedVersion, Idempotency, NewEvent, StreamAppend } from './event-store.js';
import { currentSchemaVersionOf, type UpcastingOptions } from './upcasters.js';

/** An event with every field the store writes decided. */
export type PreparedEvent = Readonly<{
  eventId: string;
  type: string;
  data: object;
  schemaVersion: number;
  metadata: EventMetadata;
}>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const idempotencyKeyReused = (key: string): AppError =>
  new AppError('unprocessable', 'IDEMPOTENCY_KEY_REUSED', 'the idempotency key was already used for a different request', {
    idempotencyKey: key,
  });

export const duplicateEventId = (): AppError =>
  new AppError('conflict', 'DUPLICATE_EVENT_ID', 'an event with this id was already recorded');

/** SQL encoding of an expected version: -1 no stream, NULL any. */
export function expectedVersionParam(expected: ExpectedVersion): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return -1;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw validation('INVALID_EXPECTED_VERSION', `expected version must be a non-negative integer, got ${expected}`);
  }
  return expected;
}

export function prepareEvents(events: readonly NewEvent[], options: UpcastingOptions): PreparedEvent[] {
  if (events.length === 0) throw validation('EMPTY_APPEND', 'an append needs at least one event');
  return events.map((event) => {
    const current = currentSchemaVersionOf(event.type, options);
    const schemaVersion = event.schemaVersion ?? current ?? 1;
    if (event.type.length === 0) throw validation('INVALID_EVENT', 'an event needs a type');
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > (current ?? schemaVersion)) {
      throw validation('INVALID_SCHEMA_VERSION', `${event.type} cannot be written with schema version ${schemaVersion}`);
    }
    if (event.eventId !== undefined && !UUID.test(event.eventId)) {
      throw validation('INVALID_EVENT_ID', `event id ${event.eventId} is not a UUID`);
    }
    return {
      eventId: event.eventId ?? randomUUID(),
      type: event.type,
      data: event.data,
      schemaVersion,
      metadata: event.metadata,
    };
  });
}

export function checkIdempotency(idempotency: Idempotency | undefined): void {
  if (idempotency === undefined) return;
  if (idempotency.key.length === 0 || idempotency.requestHash.length === 0) {
    throw validation('INVALID_IDEMPOTENCY_KEY', 'an idempotency key and a request hash must not be empty');
  }
}

/**
 * Multi-stream appends lock streams in stream-id order, so two of them touching the
 * same streams cannot deadlock.
 */
export function orderStreams(streams: readonly StreamAppend[]): StreamAppend[] {
  if (streams.length === 0) throw validation('EMPTY_APPEND', 'a multi-stream append needs at least one stream');
  const sorted = [...streams].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  sorted.forEach((stream, index) => {
    if (index > 0 && sorted[index - 1]?.streamId === stream.streamId) {
      throw validation('DUPLICATE_STREAM', `stream ${stream.streamId} appears twice in one append`);
    }
  });
  return sorted;
}
