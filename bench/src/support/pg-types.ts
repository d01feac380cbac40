import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

// bigint, json, jsonb: the parsers Emmett's driver layer replaces process-wide on first use
const REPLACED_OIDS = [20, 114, 3802] as const;

const builtin = new Map(REPLACED_OIDS.map((oid) => [oid as number, pg.types.getTypeParser(oid, 'text')]));

/**
 * The driver's stock text parsers, captured when this module loads (before Emmett is
 * imported), for the pools of the other contenders: what one library does to the
 * shared `pg` module must not change what the others parse.
 */
export const stockTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && builtin.has(oid)
      ? builtin.get(oid)
      : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
