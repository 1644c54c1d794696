/**
 * @module The FROM clauses handed to `sink.loadRequests`: DuckDB's `read_csv`, `read_json` and
 * `read_parquet` with the columns typed as the mapping wants them, so that DuckDB parses (in
 * parallel, streaming) and reports a bad value with its line.
 */

import type { TraceKind } from './header.js';

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A quoted SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A DuckDB struct literal `{'name': 'TYPE', ...}` for the `columns` parameter. */
function columnsStruct(columns: readonly { name: string; type: string }[]): string {
  return `{${columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ')}}`;
}

/** The column added to number rows when the file has no request id (0-based). */
export const ROW_INDEX = '__inferscope_row';

export interface RelationSpec {
  kind: TraceKind;
  path: string;
  /** CSV: every column in file order with its type; JSONL: every column to read. */
  columns?: readonly { name: string; type: string }[];
  /** CSV delimiter from the header line. */
  delimiter?: string;
  /** Add a 0-based `ROW_INDEX` column in file order. */
  rowIndex?: boolean;
  /** JSON layout: `newline_delimited` for .jsonl/.ndjson, `auto` (lines or an array) for .json. */
  jsonFormat?: 'newline_delimited' | 'auto';
}

/** The plain reader call with DuckDB's detection (for `describe`). */
export function detectingReader(
  kind: TraceKind,
  path: string,
  jsonFormat: RelationSpec['jsonFormat'] = 'auto',
): string {
  if (kind === 'parquet') return `read_parquet(${sqlString(path)})`;
  if (kind === 'jsonl') return `read_json(${sqlString(path)}, format = '${jsonFormat}')`;
  return `read_csv(${sqlString(path)}, header = true)`;
}

/** The reader call with explicit columns (no dialect or type guessing), as a FROM clause. */
export function relationSql(spec: RelationSpec): string {
  const path = sqlString(spec.path);
  if (spec.kind === 'parquet') {
    const reader = `read_parquet(${path}${spec.rowIndex ? ', file_row_number = true' : ''})`;
    return spec.rowIndex
      ? `(SELECT file_row_number AS ${ROW_INDEX}, * EXCLUDE (file_row_number) FROM ${reader})`
      : reader;
  }
  let reader: string;
  if (spec.kind === 'jsonl') {
    const cols = spec.columns ? `, columns = ${columnsStruct(spec.columns)}` : '';
    reader = `read_json(${path}, format = '${spec.jsonFormat ?? 'auto'}'${cols})`;
  } else {
    const delim = sqlString(spec.delimiter ?? ',');
    const cols = spec.columns ? `, columns = ${columnsStruct(spec.columns)}` : '';
    reader = `read_csv(${path}, auto_detect = false, header = true, delim = ${delim}, quote = '"', escape = '"'${cols})`;
  }
  // An empty OVER () numbers rows in the order the reader produces them: file order.
  return spec.rowIndex
    ? `(SELECT row_number() OVER () - 1 AS ${ROW_INDEX}, * FROM ${reader})`
    : reader;
}
