/**
 * Avro schemas as plain JSON-shaped objects, plus builders whose types tie each record to
 * the TypeScript type it encodes: a field missing from the schema, an extra field, a
 * nullable value without `["null", T]`, or a number not declared `long` fails to compile.
 */
export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroField {
  readonly name: string;
  readonly type: AvroType;
  readonly doc?: string;
  readonly default?: null;
}

// Compile-time only: records which TypeScript type a schema describes. Never present at run time.
declare const describes: unique symbol;

export interface AvroRecordSchema<Data = unknown> {
  readonly type: 'record';
  readonly name: string;
  readonly namespace: string;
  readonly doc?: string;
  readonly fields: readonly AvroField[];
  readonly [describes]?: Data;
}

export interface AvroArraySchema<Item = unknown> {
  readonly type: 'array';
  readonly items: AvroType;
  readonly [describes]?: Item;
}

/** A union, such as `["null", "string"]`. */
export type AvroUnion = readonly AvroType[];

export type AvroType = AvroPrimitive | AvroRecordSchema | AvroArraySchema | AvroUnion;

/** The schema every event's data is written with: one record per event type. */
export type AvroSchema = AvroRecordSchema;

/** The Avro type a TypeScript value type must be written as. */
export type AvroOf<T> = null extends T
  ? readonly ['null', AvroOf<NonNullable<T>>]
  : T extends string
    ? 'string'
    : T extends number
      ? 'long'
      : T extends boolean
        ? 'boolean'
        : T extends readonly (infer Item)[]
          ? AvroArraySchema<Item>
          : T extends object
            ? AvroRecordSchema<T>
            : never;

export type AvroFieldsOf<Data> = { readonly [K in keyof Data]-?: AvroOf<Data[K]> };

export const EVENT_NAMESPACE = 'orderflow.events';

const isNullable = (type: AvroType): boolean => Array.isArray(type) && type[0] === 'null';

/**
 * Optional values are `["null", T]` with `default: null`, so a reader on a newer schema
 * can still decode data written before the field existed (BACKWARD compatibility).
 */
export function recordOf<Data>(name: string, fields: AvroFieldsOf<Data>, doc?: string): AvroRecordSchema<Data> {
  const entries = Object.entries(fields) as [string, AvroType][];
  return {
    type: 'record',
    name,
    namespace: EVENT_NAMESPACE,
    ...(doc ? { doc } : {}),
    fields: entries.map(([fieldName, type]) => (isNullable(type) ? { name: fieldName, type, default: null } : { name: fieldName, type })),
  };
}

export const arrayOf = <Item>(items: AvroOf<Item>): AvroArraySchema<Item> => ({ type: 'array', items });

export const nullable = <T extends AvroType>(type: T): readonly ['null', T] => ['null', type] as const;
