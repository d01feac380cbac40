import type { EventMetadata, RecordedEvent } from '@orderflow/contracts';

/** Turns the data of one schema version into the data of the next one. Pure. */
export type Upcast = (data: Readonly<Record<string, unknown>>, metadata: EventMetadata) => Record<string, unknown>;

/** Per event type, per from-version: `{ OrderCreated: { 1: v1ToV2, 2: v2ToV3 } }`. */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, Upcast>>>>;

/**
 * Current schema version per event type. A reader upcasts only the types it lists:
 * others pass through as stored, so a reader of the global log is not broken by event
 * types it does not interpret.
 */
export type SchemaVersions = Readonly<Record<string, number>>;

export type UpcastingOptions = Readonly<{ upcasters?: Upcasters; currentSchemaVersions?: SchemaVersions }>;

export const currentSchemaVersionOf = (eventType: string, options: UpcastingOptions): number | undefined =>
  options.currentSchemaVersions?.[eventType];

/**
 * Brings a stored event to the current schema version of its type. A missing step or
 * an event newer than this code knows is a deployment bug, so it throws rather than
 * handing a shape to `evolve` that it was not written for.
 */
export function upcastEvent<R extends RecordedEvent>(event: R, options: UpcastingOptions): R {
  const target = currentSchemaVersionOf(event.type, options);
  if (target === undefined || event.schemaVersion === target) return event;
  if (event.schemaVersion > target) {
    throw new Error(
      `event ${event.eventId} (${event.type}) has schema version ${event.schemaVersion}, newer than the known ${target}`,
    );
  }
  let data = event.data as Readonly<Record<string, unknown>>;
  for (let version = event.schemaVersion; version < target; version += 1) {
    const step = options.upcasters?.[event.type]?.[version];
    if (step === undefined) {
      throw new Error(`no upcaster for ${event.type} from schema version ${version} to ${version + 1}`);
    }
    data = step(data, event.metadata);
  }
  return { ...event, data, schemaVersion: target };
}
