export * from './event-store.js';
export * from './upcasters.js';
export * from './aggregate-stream.js';
export * from './handle-command.js';
export { createPgEventStore, type PgEventStoreOptions } from './pg-event-store.js';
export { createMemoryEventStore } from './memory-event-store.js';
export { idempotencyKeyReused, duplicateEventId } from './append-input.js';
