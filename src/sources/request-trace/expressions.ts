/**
 * @module Turns a resolved mapping into the SQL expressions that fill each request column: unit
 * conversion to int64 ns, durations added to the request start, status normalisation, the clock
 * (given, or inferred per row from the timestamps' magnitude) and unmapped columns as JSON.
 */

import { CLOCKS, VANTAGES, type Clock } from '../../schema/records.js';
import type { ColumnExprs } from '../source.js';
import { readerType, UNIT_NS, type Field } from './fields.js';
import { START_TARGETS, type Mapping } from './mapping.js';
import { ROW_INDEX, sqlIdent, sqlString } from './relation.js';

export type Vantage = (typeof VANTAGES)[number];

export interface ExprPlan {
  /** Clock of every row; inferred per row when absent. */
  clock?: Clock;
  /** Vantage when no column gives it (default `trace`). */
  vantage?: Vantage;
  /** run_id when no column gives it. */
  runId?: string;
}

/** 2000-01-01 in epoch ns: smaller timestamps count from a run origin, not the epoch. */
export const EPOCH_THRESHOLD_NS = 946_684_800_000_000_000n;

const OK_WORDS = ['ok', 'success', 'succeeded', 'successful', 'completed', 'complete', 'true'];
const ABORT_WORDS = ['aborted', 'abort', 'cancelled', 'canceled', 'cancel'];

const isTimeType = (t: string) => /^(TIMESTAMP|DATE)/i.test(t);
const isText = (t: string) => /^VARCHAR/i.test(t);
const isNested = (t: string) => /(\[\d*\]$|^STRUCT|^MAP|^UNION)/i.test(t);
/** A constant list (not `IN (...)`, which DuckDB plans as a join against the values). */
const list = (words: readonly string[]) => `[${words.map(sqlString).join(', ')}]`;

/** The file has no request id column: rows are numbered. */
export function needsRowIndex(m: Mapping): boolean {
  return !m.mapped.some((c) => c.field.kind === 'text' && c.field.target === 'request_id');
}

/** Absolute timestamp as BIGINT ns, from a column of `type` (text only in Parquet files). */
function timestampNs(id: string, type: string, field: Field & { kind: 'timestamp' }): string {
  if (/^DATE$/i.test(type)) return `epoch_ns(CAST(${id} AS TIMESTAMP))`;
  if (isTimeType(type)) return `epoch_ns(${id})`;
  const v = isText(type) ? `CAST(${id} AS ${readerType(field)})` : id;
  if (field.unit === 'iso') return `epoch_ns(${v})`;
  const factor = UNIT_NS[field.unit];
  return factor === 1 ? `CAST(${v} AS BIGINT)` : `CAST(${v} * ${factor} AS BIGINT)`;
}

/** Duration as BIGINT ns. */
function durationNs(id: string, type: string, unit: keyof typeof UNIT_NS): string {
  const v = isText(type) ? `CAST(${id} AS DOUBLE)` : id;
  return unit === 'ns' ? `CAST(${v} AS BIGINT)` : `CAST(round(${v} * ${UNIT_NS[unit]}) AS BIGINT)`;
}

function enumExpr(id: string, values: readonly string[], what: string, fallback: string): string {
  return `CASE WHEN ${id} IS NULL THEN ${fallback} WHEN list_contains(${list(values)}, ${id}) THEN ${id} ELSE error('inferscope: ${what} must be one of ${values.join(', ')}, got ' || ${id}) END`;
}

/** SQL expressions for every request column the mapping fills (see `RecordSink.loadRequests`). */
export function requestExprs(
  mapping: Mapping,
  types: ReadonlyMap<string, string>,
  plan: ExprPlan,
): ColumnExprs {
  const exprs: Record<string, string> = {};
  const get = (kind: Field['kind']) => mapping.mapped.filter((m) => m.field.kind === kind);
  const typeOf = (column: string) => types.get(column) ?? 'VARCHAR';

  for (const { column, field } of mapping.mapped) {
    const id = sqlIdent(column);
    const type = typeOf(column);
    if (field.kind === 'text') exprs[field.target] = `CAST(${id} AS VARCHAR)`;
    else if (field.kind === 'count')
      exprs[field.target] = isText(type) ? `CAST(${id} AS BIGINT)` : id;
    else if (field.kind === 'timestamp') exprs[field.target] = timestampNs(id, type, field);
    else if (field.kind === 'blocks')
      exprs.prefix_blocks = isNested(type)
        ? `CAST(to_json(${id}) AS VARCHAR)`
        : `CAST(${id} AS VARCHAR)`;
  }

  // The request start and the clock.
  const absolute = mapping.mapped.filter((m) => m.field.kind === 'timestamp');
  const starts = START_TARGETS.filter((f) => exprs[f] !== undefined).map((f) => exprs[f]);
  const firstAbs = absolute.length
    ? `coalesce(${absolute.map((m) => exprs[(m.field as { target: string }).target]).join(', ')})`
    : undefined;
  const iso = absolute.some((m) => m.field.kind === 'timestamp' && m.field.unit === 'iso');
  const inferred = !firstAbs
    ? `'request'`
    : `CASE WHEN ${firstAbs} IS NULL THEN 'request' WHEN ${iso ? 'TRUE' : `${firstAbs} >= ${EPOCH_THRESHOLD_NS}`} THEN 'epoch' ELSE 'run' END`;
  const clockCol = get('enum').find((m) => m.field.name === 'clock');
  const clockFallback = plan.clock ? sqlString(plan.clock) : inferred;
  exprs.clock = clockCol
    ? enumExpr(sqlIdent(clockCol.column), CLOCKS, 'clock', clockFallback)
    : clockFallback;
  // Durations count from the request start; with no start at all, from 0 on the request clock.
  const start = starts.length
    ? plan.clock || clockCol
      ? `coalesce(${starts.join(', ')})`
      : `coalesce(${starts.join(', ')}, 0)`
    : '0';

  const durations = get('duration');
  for (const d of ['ttft', 'e2e'] as const) {
    const m = durations.find((x) => x.field.kind === 'duration' && x.field.duration === d);
    if (!m || m.field.kind !== 'duration') continue;
    const target = d === 'ttft' ? 't_first_token_ns' : 't_end_ns';
    exprs[target] = `${start} + ${durationNs(sqlIdent(m.column), typeOf(m.column), m.field.unit)}`;
  }
  const tpot = durations.find((x) => x.field.kind === 'duration' && x.field.duration === 'tpot');
  if (tpot && tpot.field.kind === 'duration') {
    const v = isText(typeOf(tpot.column))
      ? `CAST(${sqlIdent(tpot.column)} AS DOUBLE)`
      : sqlIdent(tpot.column);
    const out = exprs.output_tokens;
    exprs.t_last_token_ns = `CASE WHEN ${out} >= 1 THEN ${exprs.t_first_token_ns} + CAST(round(${v} * ${UNIT_NS[tpot.field.unit]} * (${out} - 1)) AS BIGINT) END`;
  }

  const vantageCol = get('enum').find((m) => m.field.name === 'vantage');
  const vantage = sqlString(plan.vantage ?? 'trace');
  exprs.vantage = vantageCol
    ? enumExpr(sqlIdent(vantageCol.column), VANTAGES, 'vantage', vantage)
    : vantage;

  // Status: canonical words, HTTP 2xx or booleans; anything else is an error, kept as error_type.
  const statusCol = get('status')[0];
  const errorCols = ['error_message', 'error_type'].filter((t) => exprs[t] !== undefined);
  const fallback = errorCols.length
    ? `CASE WHEN coalesce(${errorCols.map((t) => exprs[t]).join(', ')}, '') <> '' THEN 'error' ELSE 'ok' END`
    : `'ok'`;
  if (statusCol) {
    const raw = `lower(trim(CAST(${sqlIdent(statusCol.column)} AS VARCHAR)))`;
    exprs.status = `CASE WHEN ${raw} IS NULL OR ${raw} = '' THEN ${fallback} WHEN list_contains(${list(OK_WORDS)}, ${raw}) OR (length(${raw}) = 3 AND TRY_CAST(${raw} AS SMALLINT) BETWEEN 200 AND 299) THEN 'ok' WHEN list_contains(${list(ABORT_WORDS)}, ${raw}) THEN 'aborted' ELSE 'error' END`;
    if (exprs.error_type === undefined) {
      exprs.error_type = `CASE WHEN ${exprs.status} = 'error' AND NOT list_contains(['error', 'false'], ${raw}) THEN CAST(${sqlIdent(statusCol.column)} AS VARCHAR) END`;
    }
  } else exprs.status = fallback;

  exprs.request_id ??= `CAST(${ROW_INDEX} AS VARCHAR)`;
  if (exprs.run_id === undefined && plan.runId !== undefined) exprs.run_id = sqlString(plan.runId);

  // Attributes: a mapped JSON column, plus every unmapped column.
  const attrCol = get('attributes')[0];
  const base = attrCol
    ? isText(typeOf(attrCol.column))
      ? sqlIdent(attrCol.column)
      : `to_json(${sqlIdent(attrCol.column)})`
    : undefined;
  const extras = mapping.extras.length
    ? `json_object(${mapping.extras.map((c) => `${sqlString(c)}, ${sqlIdent(c)}`).join(', ')})`
    : undefined;
  if (base && extras) exprs.attributes = `json_merge_patch(coalesce(${base}, '{}'), ${extras})`;
  else if (base ?? extras) exprs.attributes = `CAST(${base ?? extras} AS VARCHAR)`;

  return exprs as ColumnExprs;
}
