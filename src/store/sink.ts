/**
 * @module The store's side of the source contract: validates each emitted record against its zod
 * schema, flags bad request timings, and appends rows inside the ingest's transaction.
 */

import type { DuckDBAppender } from '@duckdb/node-api';
import { InferscopeError } from '../base/errors.js';
import { columnsOf, type ColumnSpec } from '../schema/ddl.js';
import { requestFlags, requestFlagsSql, TIMESTAMP_ORDER } from '../schema/checks.js';
import { TABLES, type Emitted, type RecordKind } from '../schema/records.js';
import type { ColumnExprs, Location, RecordSink, Warning } from '../sources/source.js';
import type { Store } from './store.js';

export interface SinkTotals {
  counts: Record<string, number>;
  flags: Record<string, number>;
  warnings: Warning[];
}

const MAX_KEPT_WARNINGS = 50;

export class StoreSink implements RecordSink {
  private readonly appenders = new Map<
    RecordKind,
    { appender: DuckDBAppender; columns: ColumnSpec[] }
  >();
  private sampleId = 0;
  readonly totals: SinkTotals = { counts: {}, flags: {}, warnings: [] };
  private warningCount = 0;

  constructor(
    private readonly store: Store,
    readonly ingestId: string,
    readonly file: string,
    readonly format: string,
  ) {}

  emit<K extends RecordKind>(kind: K, record: Emitted<K>, at?: Location): void {
    const full: Record<string, unknown> = { ...record, ingest_id: this.ingestId };
    if (kind === 'request') {
      const computed = requestFlags(full as Emitted<'request'>);
      const merged = new Set([
        ...(typeof full.flags === 'string' && full.flags ? full.flags.split(',') : []),
        ...(computed ? computed.split(',') : []),
      ]);
      full.flags = merged.size ? [...merged].sort().join(',') : undefined;
      for (const f of merged) this.totals.flags[f] = (this.totals.flags[f] ?? 0) + 1;
      const r = full as Emitted<'request'>;
      const hasStart =
        r.t_client_send_ns ?? r.t_router_in_ns ?? r.t_replica_arrival_ns ?? r.t_queued_ns;
      if (hasStart === undefined && r.t_first_token_ns !== undefined) {
        this.warn({
          code: 'NO_START',
          message: `request ${String(r.request_id)} has token times but no send, arrival or queue time: no TTFT or E2E`,
          at,
        });
      }
    }
    const parsed = TABLES[kind].safeParse(full);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = `${kind}.${issue.path.join('.')}`;
      throw new InferscopeError('INVALID_RECORD', `${field}: ${issue.message}`, {
        file: this.file,
        format: this.format,
        line: at?.line,
        offset: at?.offset,
        field: at?.pointer ? `${at.pointer} → ${field}` : field,
        hint: 'the value has the wrong type or range for the canonical schema; nothing from this file was written',
      });
    }
    this.append(kind, parsed.data as Record<string, unknown>);
    this.totals.counts[kind] = (this.totals.counts[kind] ?? 0) + 1;
  }

  private appenderFor(kind: RecordKind) {
    const entry = this.appenders.get(kind);
    if (!entry) throw new Error(`appender for ${kind} not opened`);
    return entry;
  }

  async open(): Promise<void> {
    for (const kind of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
      if (kind === 'ingest') continue;
      const appender = await this.store.connection.createAppender(kind);
      this.appenders.set(kind, { appender, columns: columnsOf(kind) });
    }
  }

  private append(kind: RecordKind, row: Record<string, unknown>): void {
    const { appender, columns } = this.appenderFor(kind);
    for (const c of columns) {
      const v = row[c.name];
      if (v === undefined || v === null) appender.appendNull();
      else if (c.sql === 'BIGINT')
        appender.appendBigInt(typeof v === 'bigint' ? v : BigInt(v as number));
      else if (c.sql === 'DOUBLE') appender.appendDouble(v as number);
      else if (c.sql === 'BOOLEAN') appender.appendBoolean(v as boolean);
      else if (typeof v === 'object') appender.appendVarchar(JSON.stringify(v, jsonSafe));
      else appender.appendVarchar(String(v));
    }
    appender.endRow();
  }

  /**
   * Flushes and closes every appender, then runs the checks that need the whole file: chunk
   * arrivals must not run backwards nor precede their request's start (flag `bad_chunks`).
   */
  async finish(): Promise<void> {
    this.closeAppenders();
    // Only chunks emitted by this ingest can be bad; without any, skip scanning its requests.
    if (!this.totals.counts.chunk) return;
    const id = this.ingestId;
    const bad = `
      SELECT request_id FROM (
        SELECT request_id, t_arrival_ns,
          lag(t_arrival_ns) OVER (PARTITION BY request_id ORDER BY seq) AS prev
        FROM chunk WHERE ingest_id = '${id}')
      WHERE prev IS NOT NULL AND t_arrival_ns < prev
      UNION
      SELECT c.request_id FROM chunk c JOIN request r USING (ingest_id, request_id)
      WHERE c.ingest_id = '${id}'
        AND c.t_arrival_ns < coalesce(r.t_client_send_ns, r.t_router_in_ns, r.t_replica_arrival_ns, r.t_queued_ns)`;
    const [{ n }] = await this.store.query(`SELECT count(*) AS n FROM (${bad})`, { n: 'int' });
    if (n > 0) {
      // 'bad_chunks' sorts before every other flag, so prepending keeps the list sorted.
      await this.store.run(
        `UPDATE request SET flags = CASE WHEN flags IS NULL THEN 'bad_chunks' ELSE 'bad_chunks,' || flags END
         WHERE ingest_id = '${id}' AND request_id IN (${bad})`,
      );
      this.totals.flags.bad_chunks = (this.totals.flags.bad_chunks ?? 0) + n;
    }
  }

  /** Closes the appenders without checks (used when the ingest is being rolled back). */
  closeAppenders(): void {
    for (const { appender } of this.appenders.values()) {
      appender.flushSync();
      appender.closeSync();
    }
    this.appenders.clear();
  }

  async loadRequests(from: string, columns: ColumnExprs): Promise<number> {
    // Appended rows must be visible and ordered before SQL inserts run.
    for (const { appender } of this.appenders.values()) appender.flushSync();
    const select = columnsOf('request')
      .map((c) => {
        if (c.name === 'ingest_id') return `'${this.ingestId}' AS ingest_id`;
        const expr = columns[c.name as keyof ColumnExprs];
        return `CAST(${expr ?? 'NULL'} AS ${c.sql}) AS ${c.name}`;
      })
      .join(',\n  ');
    const mine = `ingest_id = '${this.ingestId}'`;
    const filled = TIMESTAMP_ORDER.filter((f) => columns[f] !== undefined);
    const before = await this.flagCounts(mine);
    // One pass: DuckDB reads, converts, flags and appends in parallel, with no staging copy; the
    // checks below read the stored rows back in the same transaction, so a failure still rolls
    // the whole file back. (The store does not preserve insertion order: see Store.open.)
    // DuckDB analyses every string column for FSST and dictionary compression as it writes, and
    // that costs as much for the many all-NULL text columns of a trace as for real data: with
    // those two methods off, a 5M-row load is ~40% faster (docs/benchmarks.md). Bulk-loaded
    // traces are numeric; their text columns are ids or NULL, which those methods barely shrink.
    const [{ disabled }] = await this.store.query(
      `SELECT current_setting('disabled_compression_methods') AS disabled`,
      { disabled: 'text' },
    );
    await this.store.run(`SET disabled_compression_methods = 'fsst,dictionary'`);
    let n: number;
    try {
      const [res] = await this.store.query(
        `INSERT INTO request BY NAME
SELECT * REPLACE (nullif(concat_ws(',', flags, ${requestFlagsSql(filled)}), '') AS flags)
FROM (SELECT\n  ${select}\nFROM ${from})`,
        { Count: 'int' },
      );
      n = res.Count;
    } catch (e) {
      const missing = /NOT NULL constraint failed: request\.(\w+)/.exec(
        e instanceof Error ? e.message : String(e),
      );
      if (!missing) throw e;
      throw new InferscopeError('INVALID_RECORD', `rows have no ${missing[1]}`, {
        file: this.file,
        format: this.format,
        field: missing[1],
        hint: 'fix the rows or the --map expressions; nothing from this file was written',
      });
    } finally {
      // Best effort: after a failure the aborted transaction refuses SET until it is rolled back.
      await this.store
        .run(`SET disabled_compression_methods = '${disabled}'`)
        .catch(() => undefined);
    }
    const [{ negative_tokens }] = await this.store.query(
      `SELECT count(*) AS negative_tokens FROM request
       WHERE ${mine} AND (prompt_tokens < 0 OR output_tokens < 0 OR cached_tokens < 0)`,
      { negative_tokens: 'int' },
    );
    if (negative_tokens > 0) {
      throw new InferscopeError(
        'INVALID_RECORD',
        `${negative_tokens} rows have negative token counts`,
        {
          file: this.file,
          format: this.format,
          field: 'prompt_tokens/output_tokens',
          hint: 'fix the rows or the --map expressions; nothing from this file was written',
        },
      );
    }
    // Flags of the rows just loaded: what the ingest holds now, less what it held before.
    for (const [flag, k] of await this.flagCounts(mine)) {
      const added = k - (before.get(flag) ?? 0);
      if (added > 0) this.totals.flags[flag] = (this.totals.flags[flag] ?? 0) + added;
    }
    this.totals.counts.request = (this.totals.counts.request ?? 0) + n;
    return n;
  }

  private async flagCounts(where: string): Promise<Map<string, number>> {
    const rows = await this.store.query(
      `SELECT f AS flag, count(*) AS n
       FROM (SELECT unnest(string_split(flags, ',')) AS f FROM request WHERE ${where} AND flags IS NOT NULL)
       GROUP BY f`,
      { flag: 'text', n: 'int' },
    );
    return new Map(rows.map((r) => [r.flag, r.n]));
  }

  async describe(from: string): Promise<Record<string, string>> {
    const rows = await this.store.query(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`,
      {
        column_name: 'text',
        column_type: 'text',
      },
    );
    return Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
  }

  warn(warning: Warning): void {
    this.warningCount++;
    if (this.totals.warnings.length < MAX_KEPT_WARNINGS) this.totals.warnings.push(warning);
  }

  get warnings(): number {
    return this.warningCount;
  }

  nextSampleId(): number {
    return this.sampleId++;
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
