/**
 * @module The field names a request-trace column can map onto: every canonical request column,
 * timestamps with a unit suffix (`t_client_send_s`, `_ms`, `_us`, `_iso`), and durations relative
 * to the request start (`ttft_s`, `e2e_ms`, `tpot_s`, ...). Each field knows the request column it
 * fills and the SQL type DuckDB's reader should parse the source column as.
 */

import { TIMESTAMP_ORDER } from '../../schema/checks.js';

export type TsField = (typeof TIMESTAMP_ORDER)[number];
export type NumericUnit = 'ns' | 'us' | 'ms' | 's';
export type TsUnit = NumericUnit | 'iso';
export type DurationName = 'ttft' | 'e2e' | 'tpot';

/** A column's meaning: which request column it fills and how its values are read. */
export type Field =
  | { kind: 'timestamp'; name: string; target: TsField; unit: TsUnit }
  | { kind: 'duration'; name: string; duration: DurationName; unit: NumericUnit }
  | { kind: 'text'; name: string; target: TextTarget }
  | { kind: 'count'; name: string; target: CountTarget }
  | { kind: 'enum'; name: string; target: 'vantage' | 'clock' }
  | { kind: 'status'; name: 'status' }
  | { kind: 'blocks'; name: 'prefix_blocks' }
  | { kind: 'attributes'; name: 'attributes' };

export const TEXT_TARGETS = [
  'request_id',
  'run_id',
  'trace_id',
  'session_id',
  'model',
  'pool',
  'replica',
  'config_id',
  'hardware',
  'error_type',
  'error_message',
  'finish_reason',
] as const;
export type TextTarget = (typeof TEXT_TARGETS)[number];

export const COUNT_TARGETS = [
  'prompt_tokens',
  'cached_tokens',
  'output_tokens',
  'chunks',
  'preemptions',
] as const;
export type CountTarget = (typeof COUNT_TARGETS)[number];

/** Durations and the timestamp each one fills. */
export const DURATION_TARGET: Record<DurationName, TsField> = {
  ttft: 't_first_token_ns',
  e2e: 't_end_ns',
  tpot: 't_last_token_ns',
};

/** ns per unit. */
export const UNIT_NS: Record<NumericUnit, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

/**
 * The reader type of a timestamp column. Decimals keep epoch seconds with nine decimals exact
 * (a double would round them to ~0.2 µs); ISO strings are parsed straight to ns.
 */
const TS_READER_TYPE: Record<TsUnit, string> = {
  ns: 'BIGINT',
  us: 'DECIMAL(20,3)',
  ms: 'DECIMAL(20,6)',
  s: 'DECIMAL(20,9)',
  iso: 'TIMESTAMP_NS',
};

const TEXT_SET = new Set<string>(TEXT_TARGETS);
const COUNT_SET = new Set<string>(COUNT_TARGETS);
const TS_BASES = new Map<string, TsField>(TIMESTAMP_ORDER.map((f) => [f.slice(0, -3), f]));

/** Parses a field name; undefined when it names nothing we know. */
export function parseField(name: string): Field | undefined {
  if (TEXT_SET.has(name)) return { kind: 'text', name, target: name as TextTarget };
  if (COUNT_SET.has(name)) return { kind: 'count', name, target: name as CountTarget };
  if (name === 'vantage' || name === 'clock') return { kind: 'enum', name, target: name };
  if (name === 'status') return { kind: 'status', name };
  if (name === 'prefix_blocks') return { kind: 'blocks', name };
  if (name === 'attributes') return { kind: 'attributes', name };
  const m = /^(.+)_(ns|us|ms|s|iso)$/.exec(name);
  if (!m) return undefined;
  const [, base, unit] = m;
  const ts = TS_BASES.get(base);
  if (ts) return { kind: 'timestamp', name, target: ts, unit: unit as TsUnit };
  if ((base === 'ttft' || base === 'e2e' || base === 'tpot') && unit !== 'iso')
    return { kind: 'duration', name, duration: base, unit: unit as NumericUnit };
  return undefined;
}

/** The request column a field fills. */
export function fieldTarget(f: Field): string {
  switch (f.kind) {
    case 'timestamp':
    case 'text':
    case 'count':
    case 'enum':
      return f.target;
    case 'duration':
      return DURATION_TARGET[f.duration];
    case 'status':
      return 'status';
    case 'blocks':
      return 'prefix_blocks';
    case 'attributes':
      return 'attributes';
  }
}

/**
 * The SQL type DuckDB's CSV/JSON reader should parse the column as, so that a bad value fails in
 * the reader (with its line number) rather than later. Undefined: keep the reader's own type.
 */
export function readerType(f: Field): string | undefined {
  switch (f.kind) {
    case 'timestamp':
      return TS_READER_TYPE[f.unit];
    case 'duration':
      return f.unit === 'ns' ? 'BIGINT' : 'DOUBLE';
    case 'count':
      return 'BIGINT';
    case 'text':
    case 'enum':
    case 'status':
      return 'VARCHAR';
    case 'blocks':
    case 'attributes':
      return undefined;
  }
}

/** Every field name accepted by `--map`, for help and error messages. */
export function fieldNames(): string[] {
  const ts = TIMESTAMP_ORDER.map((f) => `${f.slice(0, -3)}_{ns,us,ms,s,iso}`);
  return [
    ...TEXT_TARGETS,
    ...COUNT_TARGETS,
    'status',
    'vantage',
    'clock',
    'prefix_blocks',
    'attributes',
    ...ts,
    '{ttft,e2e,tpot}_{ns,us,ms,s}',
  ];
}

/**
 * Columns of the `requests` view (as exported by `inferscope sql`) that are derived from other
 * columns and recomputed on ingest. They are ignored, with a warning, when not mapped.
 */
export const DERIVED_COLUMNS = new Set([
  'ingest_id',
  'flags',
  'format',
  't_start_ns',
  't_finish_ns',
  'ttft_s',
  'e2e_s',
  'tpot_s',
  'queue_s',
  'prefill_s',
  'decode_s',
  'inference_s',
  'router_s',
  'timing_ok',
]);
