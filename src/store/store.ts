/**
 * @module The store: one DuckDB file holding the canonical records. The only module that talks
 * to the database client; everything else goes through `query` with a row spec.
 */

import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { InferscopeError } from '../base/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../schema/migrations.js';
import { materialize, type RowOf, type RowSpec } from './row-spec.js';
import { VIEWS } from './views.js';

export const DEFAULT_DB = 'inferscope.duckdb';

export interface StoreOptions {
  readOnly?: boolean;
}

export type SqlParam = string | number | bigint | boolean | null;

export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) a database file and brings its schema up to date. */
  static async open(path: string = DEFAULT_DB, options: StoreOptions = {}): Promise<Store> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(
        path,
        options.readOnly ? { access_mode: 'READ_ONLY' } : {},
      );
    } catch (e) {
      throw new InferscopeError(
        'STORE_ERROR',
        `cannot open database ${path}: ${(e as Error).message}`,
        {
          file: path,
          hint: 'is another inferscope process writing it? Is it a DuckDB file?',
          cause: e,
        },
      );
    }
    const store = new Store(path, instance, await instance.connect());
    // Rows are not kept in insertion order (queries that need an order say ORDER BY): DuckDB then
    // appends whole row groups per thread, which nearly halves the time of a large native load.
    await store.run(`SET preserve_insertion_order = false`);
    if (!options.readOnly) await store.migrate();
    return store;
  }

  /** The schema version recorded in the file (0 when empty). */
  async schemaVersion(): Promise<number> {
    const t = await this.query(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'schema_meta'`,
      { n: 'int' },
    );
    if (t[0].n === 0) return 0;
    const v = await this.query(`SELECT max(version) AS v FROM schema_meta`, { v: 'int?' });
    return v[0].v ?? 0;
  }

  /** Applies pending migrations in one transaction, then (re)creates the canonical views. */
  async migrate(): Promise<void> {
    const current = await this.schemaVersion();
    if (current > SCHEMA_VERSION) {
      throw new InferscopeError(
        'STORE_ERROR',
        `${this.path} has schema version ${current}, newer than this inferscope (${SCHEMA_VERSION})`,
        { file: this.path, hint: 'upgrade inferscope' },
      );
    }
    await this.transaction(async () => {
      await this.run(
        `CREATE TABLE IF NOT EXISTS schema_meta (version BIGINT NOT NULL, applied_at_ns BIGINT NOT NULL, description VARCHAR NOT NULL)`,
      );
      for (const m of MIGRATIONS.filter((m) => m.version > current)) {
        for (const sql of m.statements()) await this.run(sql);
        await this.run(`INSERT INTO schema_meta VALUES (?, ?, ?)`, [
          m.version,
          BigInt(Date.now()) * 1_000_000n,
          m.description,
        ]);
      }
      for (const v of VIEWS) await this.run(`CREATE OR REPLACE VIEW ${v.name} AS ${v.sql}`);
    });
  }

  async run(sql: string, params: SqlParam[] = []): Promise<void> {
    try {
      if (params.length === 0) await this.connection.run(sql);
      else await this.connection.run(sql, params as DuckDBValue[]);
    } catch (e) {
      throw wrapSqlError(e, sql);
    }
  }

  /** Runs a query and returns rows typed by `spec` (checked at runtime). */
  async query<S extends RowSpec>(
    sql: string,
    spec: S,
    params: SqlParam[] = [],
  ): Promise<RowOf<S>[]> {
    return materialize(await this.queryRaw(sql, params), spec, sql);
  }

  /** Runs a query and returns plain row objects (for `inferscope sql`). */
  async queryRaw(sql: string, params: SqlParam[] = []): Promise<Record<string, unknown>[]> {
    try {
      const reader =
        params.length === 0
          ? await this.connection.runAndReadAll(sql)
          : await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.getRowObjects() as Record<string, unknown>[];
    } catch (e) {
      throw wrapSqlError(e, sql);
    }
  }

  /** Runs `fn` inside a transaction: all or nothing. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.connection.run('COMMIT');
      return out;
    } catch (e) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function wrapSqlError(e: unknown, sql: string): Error {
  if (e instanceof InferscopeError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new InferscopeError('QUERY_ERROR', message, { sql, cause: e });
}
