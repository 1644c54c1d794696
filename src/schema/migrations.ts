/**
 * @module Schema versions. Version 1 creates every table from the zod schemas; each later change
 * to a record schema appends a migration here (ALTER TABLE ...) and bumps SCHEMA_VERSION. A test
 * checks that migrating from empty yields exactly the columns the zod schemas declare.
 */

import { createTableSql, TABLE_NAMES } from './ddl.js';

export interface Migration {
  version: number;
  description: string;
  statements: () => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'canonical record tables',
    statements: () => TABLE_NAMES.map((t) => createTableSql(t)),
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
