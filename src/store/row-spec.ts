/**
 * @module Typed query results without an ORM: a row spec names each column's expected kind, and
 * rows come back typed as exactly those fields, converted and checked at runtime.
 */

import { InferscopeError } from '../base/errors.js';

export type ColumnKind =
  'text' | 'text?' | 'float' | 'float?' | 'int' | 'int?' | 'bigint' | 'bigint?' | 'bool' | 'bool?';

export type RowSpec = Record<string, ColumnKind>;

type Base<K extends ColumnKind> = K extends 'text' | 'text?'
  ? string
  : K extends 'float' | 'float?' | 'int' | 'int?'
    ? number
    : K extends 'bigint' | 'bigint?'
      ? bigint
      : boolean;

export type RowOf<S extends RowSpec> = {
  [C in keyof S]: S[C] extends `${string}?` ? Base<S[C]> | null : Base<S[C]>;
};

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'toDouble' in v && typeof v.toDouble === 'function') {
    return (v as { toDouble(): number }).toDouble();
  }
  return undefined;
}

/** Converts one raw DuckDB value to the spec's kind; throws naming the column on mismatch. */
export function convertValue(column: string, kind: ColumnKind, v: unknown, sql?: string): unknown {
  const optional = kind.endsWith('?');
  if (v === null || v === undefined) {
    if (optional) return null;
    throw new InferscopeError(
      'QUERY_ERROR',
      `column ${column} is NULL but the row spec says ${kind}`,
      { sql },
    );
  }
  const base = optional ? kind.slice(0, -1) : kind;
  let out: unknown;
  switch (base) {
    case 'text':
      out = typeof v === 'string' ? v : String(v);
      break;
    case 'float':
      out = toNumber(v);
      break;
    case 'int': {
      const n = toNumber(v);
      out = n !== undefined && Number.isInteger(n) ? n : undefined;
      break;
    }
    case 'bigint':
      out =
        typeof v === 'bigint'
          ? v
          : typeof v === 'number' && Number.isInteger(v)
            ? BigInt(v)
            : undefined;
      break;
    case 'bool':
      out = typeof v === 'boolean' ? v : undefined;
      break;
  }
  if (out === undefined) {
    throw new InferscopeError(
      'QUERY_ERROR',
      `column ${column}: cannot read ${typeof v} ${String(v)} as ${kind}`,
      { sql },
    );
  }
  return out;
}

/** Materialises rows (as objects keyed by column name) according to a spec. */
export function materialize<S extends RowSpec>(
  rows: Record<string, unknown>[],
  spec: S,
  sql?: string,
): RowOf<S>[] {
  const cols = Object.entries(spec);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [name, kind] of cols) {
      if (!(name in row)) {
        throw new InferscopeError('QUERY_ERROR', `query returned no column ${name}`, { sql });
      }
      out[name] = convertValue(name, kind, row[name], sql);
    }
    return out as RowOf<S>;
  });
}
