import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyInstance } from 'fastify';

/**
 * A command is taken as sent: no type coercion ("5" is not a quantity, 42 is not a
 * customer id), no defaults filled in, no unknown fields dropped (they are refused).
 * Every error is reported at once; bodies are bounded by the body limit and `maxItems`.
 */
export function useStrictValidation(app: FastifyInstance): void {
  const compile = AjvCompiler()(
    {},
    { customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true } },
  );
  app.setValidatorCompiler((route) => compile(route) as (data: unknown) => boolean);
}
