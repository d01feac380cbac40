import pg from 'pg';
import type { AppendInput } from './append-input.js';

export const EMMETT_SCHEMA = 'emmett';

export type EmmettAppender = Readonly<{
  append: (input: AppendInput) => Promise<void>;
  truncate: () => Promise<void>;
}>;

/**
 * Emmett's PostgreSQL event store, in its own PostgreSQL schema so its tables and ours
 * never meet. Imported only when asked for: it replaces the driver's bigint and json
 * parsers process-wide (the other contenders' pools keep the stock ones, see pg-types).
 */
export async function emmettAppender(pool: pg.Pool, connectionString: string): Promise<EmmettAppender> {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const { STREAM_DOES_NOT_EXIST } = await import('@event-driven-io/emmett');
  const store = getPostgreSQLEventStore(connectionString, {
    connectionOptions: { pool },
    schema: { autoMigration: 'None' },
  });
  await store.schema.migrate();
  return {
    append: async (input) => {
      await store.appendToStream(input.streamId, [{ type: input.eventType, data: input.data, metadata: input.metadata }], {
        expectedStreamVersion: STREAM_DOES_NOT_EXIST,
      });
    },
    truncate: () => store.schema.dangerous.truncate(),
  };
}

/** A pool whose sessions resolve unqualified names in Emmett's schema only. */
export function emmettPool(connectionString: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString, max, options: `-c search_path=${EMMETT_SCHEMA}` });
}
