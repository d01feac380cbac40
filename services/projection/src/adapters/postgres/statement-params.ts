/**
 * The bound parameters of one composed statement: `bind` stores a value and returns its
 * placeholder with a cast, so fragments from several tables can share one round trip.
 */
export type StatementParams = Readonly<{ values: unknown[]; bind: (value: unknown, type: string) => string }>;

export function statementParams(): StatementParams {
  const values: unknown[] = [];
  return {
    values,
    bind(value, type) {
      values.push(value);
      return `$${values.length}::${type}`;
    },
  };
}

/** A timestamp read directly (a Date) or inside JSON (an ISO string with an offset). */
export const isoOf = (d: Date | string): string => new Date(d).toISOString();
