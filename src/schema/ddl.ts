/** @module DDL derived from the zod record schemas: column names, SQL types and nullability. */

import { z } from 'zod';
import { columnMeta, type SqlType } from './columns.js';
import { TABLES, type TableName } from './records.js';

export interface ColumnSpec {
  name: string;
  /** The column's DuckDB type: the SQL type, or `ENUM('a', 'b')` for closed sets. */
  sql: string;
  /** The portable type (VARCHAR for closed sets), for other engines. */
  portable: SqlType;
  nullable: boolean;
  doc: string;
}

/** The columns of a record kind, in declaration order. */
export function columnsOf(table: TableName): ColumnSpec[] {
  const shape = TABLES[table].shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, field]) => {
    const nullable = field instanceof z.ZodOptional;
    const inner = nullable ? (field as z.ZodOptional<z.ZodType>).unwrap() : field;
    const meta = columnMeta.get(inner);
    if (!meta)
      throw new Error(`schema: column ${table}.${name} was not built with a column helper`);
    // Closed sets are ENUMs in DuckDB: a one-byte code instead of a string per row makes wide
    // inserts markedly faster. Other engines get the portable VARCHAR.
    const sql = meta.values ? `ENUM(${meta.values.map((v) => `'${v}'`).join(', ')})` : meta.sql;
    return { name, sql, portable: meta.sql, nullable, doc: meta.doc };
  });
}

/** `CREATE TABLE` for one record kind. Portable types only (DuckDB and ClickHouse). */
export function createTableSql(table: TableName): string {
  const cols = columnsOf(table).map((c) => `  ${c.name} ${c.sql}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE IF NOT EXISTS ${table} (\n${cols.join(',\n')}\n)`;
}

export const TABLE_NAMES = Object.keys(TABLES) as TableName[];
