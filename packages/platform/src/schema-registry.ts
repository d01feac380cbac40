import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

export { SchemaRegistry, SchemaType };

/** `url` may carry a path prefix, e.g. Apicurio's `/apis/ccompat/v7`. */
export function createSchemaRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url.replace(/\/$/, ''), clientId: 'orderflow' }, { forSchemaOptions: {} });
}

export const schemaRegistryCheck = (url: string) => ({
  name: 'schema-registry',
  check: async () => {
    const res = await fetch(`${url.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(`registry answered ${res.status}`);
  },
});
