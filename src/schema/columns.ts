/**
 * @module Column builders: each returns a zod schema and records the column's SQL type, so one
 * zod object per record kind is the single source of both the TypeScript type and the DDL.
 * SQL types are kept portable (DuckDB and ClickHouse both read them).
 */

import { z } from 'zod';

export type SqlType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'INTEGER';

export interface ColumnMeta {
  sql: SqlType;
  /** For closed sets (`oneOf`): the allowed values, stored as a DuckDB ENUM. */
  values?: readonly string[];
  /** One line for docs/schema.md and `inferscope sql --schema`. */
  doc: string;
}

/** Registry of column metadata keyed by the zod schema instance. */
export const columnMeta = z.registry<ColumnMeta>();

function column<T extends z.ZodType>(schema: T, sql: SqlType, doc: string): T {
  columnMeta.add(schema, { sql, doc });
  return schema;
}

/** Non-negative int64 nanoseconds: a timestamp (epoch, run or request clock, see `clock`). */
export const ns = (doc: string) => column(z.bigint(), 'BIGINT', doc);
/** A count: int64, non-negative. */
export const count = (doc: string) => column(z.number().int().nonnegative(), 'BIGINT', doc);
/** A signed integer (indices, enum codes). */
export const int = (doc: string) => column(z.number().int(), 'BIGINT', doc);
/** A float, finite or ±Infinity (histogram bounds). NaN is rejected. */
export const float = (doc: string) =>
  column(
    // zod 4's z.number() refuses ±Infinity, which histogram bounds and rates need.
    z.custom<number>(
      (v) => typeof v === 'number' && !Number.isNaN(v),
      'expected a number (±Infinity allowed), not NaN',
    ),
    'DOUBLE',
    doc,
  );
/** Non-negative finite float (durations, rates). */
export const nonneg = (doc: string) => column(z.number().nonnegative().finite(), 'DOUBLE', doc);
export const text = (doc: string) => column(z.string(), 'VARCHAR', doc);
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, doc: string) => {
  const schema = z.enum(values);
  columnMeta.add(schema, { sql: 'VARCHAR', values, doc: `${doc} (${values.join(' | ')})` });
  return schema;
};
/** A JSON object stored as text (labels, attributes, config). */
export const json = (doc: string) =>
  column(z.record(z.string(), z.unknown()), 'VARCHAR', `${doc} (JSON text)`);
