import { z } from 'zod';
import { baseConfigShape, port, postgresUrl } from '@orderflow/platform';

/** Every key is an environment variable the command service reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(8080),
  GRPC_PORT: port(50051),
  DATABASE_URL: postgresUrl(),
});

export type Config = z.infer<typeof configSpec>;
