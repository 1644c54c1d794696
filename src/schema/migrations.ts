/**
 * @module Schema versions. Version 1 is the frozen DDL of the first release (ddl-v1.ts); each
 * later change to a record schema appends a migration here (ALTER TABLE ...), which bumps
 * SCHEMA_VERSION. A test checks that migrating from empty yields exactly the columns the zod
 * schemas declare, so a schema change without its migration fails the build.
 */

import { V1_TABLES } from './ddl-v1.js';

export interface Migration {
  version: number;
  description: string;
  statements: () => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'canonical record tables',
    statements: () => [...V1_TABLES],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
