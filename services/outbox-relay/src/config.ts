import { z } from 'zod';
import { baseConfigShape, brokerList, httpUrl, port, postgresUrl } from '@orderflow/platform';

/** Every key is an environment variable the outbox relay reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(9101),
  DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: brokerList(),
  SCHEMA_REGISTRY_URL: httpUrl(),
  // isolates a test run's topics from a running system's on the same broker
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[\w.-]*$/).default(''),
});

export type Config = z.infer<typeof configSpec>;
