export * from './avro-schema.js';
export * from './event-schemas.js';
