/**
 * @module Resolves which source column fills which request field: `--map column=field` entries
 * first, then a format's preset, then (generic traces) columns already named like a field. Every
 * other column is kept in `attributes`; columns derived by the `requests` view are recomputed.
 */

import { InferscopeError } from '../../base/errors.js';
import { DERIVED_COLUMNS, fieldNames, fieldTarget, parseField, type Field } from './fields.js';

export interface MappedColumn {
  column: string;
  field: Field;
}

export interface Mapping {
  mapped: MappedColumn[];
  /** Columns kept as `attributes` keys. */
  extras: string[];
  /** View-derived columns left out (recomputed from the mapped ones). */
  derived: string[];
}

export interface MappingInput {
  file: string;
  format: string;
  /** The file's columns, in order. */
  columns: readonly string[];
  /** `--map`: source column → field name. */
  map?: Record<string, string>;
  /** The format's fixed mapping (column → field); `--map` entries override it. */
  preset?: Record<string, string>;
  /** Map columns whose name already is a field name. */
  auto: boolean;
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 40).join(', ');
  return columns.length > 40 ? `${shown}, ... (${columns.length} columns)` : shown;
}

function mappingError(input: MappingInput, message: string, field: string, hint: string) {
  return new InferscopeError('MAPPING_ERROR', message, {
    file: input.file,
    format: input.format,
    field,
    hint,
  });
}

/** Finds a column by exact name, else case-insensitively (DuckDB binds names that way). */
function findColumn(columns: readonly string[], name: string): string | undefined {
  return (
    columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name.toLowerCase())
  );
}

export function resolveMapping(input: MappingInput): Mapping {
  const { columns } = input;
  const byColumn = new Map<string, Field>();
  const byTarget = new Map<string, string>();
  const take = (column: string, field: Field) => {
    byColumn.set(column, field);
    byTarget.set(fieldTarget(field), column);
  };

  // 1. Explicit --map entries: the column must exist and the field must be known.
  for (const [name, fieldName] of Object.entries(input.map ?? {})) {
    const column = findColumn(columns, name);
    if (!column) {
      throw mappingError(
        input,
        `--map ${name}=${fieldName}: the file has no column "${name}"; its columns are: ${listColumns(columns)}`,
        name,
        'use --map COLUMN=FIELD with COLUMN as it appears in the file header (see docs/formats/request-trace.md)',
      );
    }
    const field = parseField(fieldName);
    if (!field) {
      throw mappingError(
        input,
        `--map ${name}=${fieldName}: unknown field "${fieldName}"`,
        fieldName,
        `fields are: ${fieldNames().join(', ')}`,
      );
    }
    const other = byTarget.get(fieldTarget(field));
    if (other !== undefined) {
      throw mappingError(
        input,
        `--map: columns "${other}" and "${column}" both fill ${fieldTarget(field)}`,
        fieldTarget(field),
        'map one column per request field',
      );
    }
    take(column, field);
  }

  // 2. The format's preset, unless --map already decided that column or field.
  for (const [name, fieldName] of Object.entries(input.preset ?? {})) {
    const column = findColumn(columns, name);
    const field = parseField(fieldName);
    if (!field) throw new Error(`preset of ${input.format}: unknown field ${fieldName}`);
    if (!column) {
      throw mappingError(
        input,
        `${input.format}: the file has no column "${name}"; its columns are: ${listColumns(columns)}`,
        name,
        `this does not look like a ${input.format} file; force another with --format NAME, or map the column with --map COLUMN=${fieldName}`,
      );
    }
    if (byColumn.has(column) || byTarget.has(fieldTarget(field))) continue;
    take(column, field);
  }

  // 3. Columns already named like a field: exact canonical names first, then unit variants.
  if (input.auto) {
    for (const exact of [true, false]) {
      for (const column of columns) {
        if (byColumn.has(column)) continue;
        const field = parseField(column);
        if (!field || isCanonical(field) !== exact || byTarget.has(fieldTarget(field))) continue;
        take(column, field);
      }
    }
  }

  const mapped = columns
    .filter((c) => byColumn.has(c))
    .map((c) => ({ column: c, field: byColumn.get(c)! }));
  if (!mapped.some((m) => m.field.kind !== 'text' && m.field.kind !== 'attributes')) {
    throw mappingError(
      input,
      `no column maps to a request timestamp, duration or token count; the file's columns are: ${listColumns(columns)}`,
      '(mapping)',
      'name the columns with --map COLUMN=FIELD, e.g. --map arrival=t_client_send_s --map in=prompt_tokens (docs/formats/request-trace.md)',
    );
  }
  const needs = (name: string, what: string) => {
    const tpot = mapped.find((m) => m.field.kind === 'duration' && m.field.duration === 'tpot');
    if (tpot && !byTarget.has(name)) {
      throw mappingError(
        input,
        `column "${tpot.column}" (${tpot.field.name}) needs ${what} too`,
        tpot.field.name,
        `map a column to ${what}: TPOT places the last token after the first`,
      );
    }
  };
  needs('t_first_token_ns', 't_first_token_* or ttft_*');
  needs('output_tokens', 'output_tokens');
  const duration = mapped.find((m) => m.field.kind === 'duration');
  const absolute = mapped.filter((m) => m.field.kind === 'timestamp');
  if (duration && absolute.length && !START_TARGETS.some((t) => byTarget.has(t))) {
    throw mappingError(
      input,
      `column "${duration.column}" (${duration.field.name}) counts from the request start, and no column gives one`,
      duration.field.name,
      `map a start: ${START_TARGETS.map((t) => t.slice(0, -3) + '_*').join(', ')}`,
    );
  }

  const rest = columns.filter((c) => !byColumn.has(c));
  return {
    mapped,
    extras: rest.filter((c) => !(input.auto && DERIVED_COLUMNS.has(c))),
    derived: rest.filter((c) => input.auto && DERIVED_COLUMNS.has(c)),
  };
}

/** The timestamps a request's start is taken from, in order (the `requests` view's t_start_ns). */
export const START_TARGETS = [
  't_client_send_ns',
  't_router_in_ns',
  't_replica_arrival_ns',
  't_queued_ns',
] as const;

/** A canonical column name as stored (not a unit variant or duration). */
function isCanonical(f: Field): boolean {
  if (f.kind === 'duration') return false;
  if (f.kind === 'timestamp') return f.unit === 'ns';
  return true;
}
