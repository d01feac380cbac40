import { z } from 'zod';
import { baseConfigShape, brokerList, hostPort, httpUrl, port, postgresUrl } from '@orderflow/platform';

/** Every key is an environment variable the saga orchestrator reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(9102),
  DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: brokerList(),
  SCHEMA_REGISTRY_URL: httpUrl(),
  // isolates a test run's topics from a running system's on the same broker
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[\w.-]*$/).default(''),
  COMMAND_GRPC_URL: hostPort(),
});

export type Config = z.infer<typeof configSpec>;
