/**
 * @module The shared reader of every request-trace format: find the file's columns, resolve the
 * mapping, type the columns for DuckDB's reader and hand one FROM clause plus column expressions
 * to `sink.loadRequests`. No row passes through JavaScript, so files larger than memory stream.
 */

import { basename } from 'node:path';
import { InferscopeError } from '../../base/errors.js';
import type { Clock } from '../../schema/records.js';
import { readProbe } from '../read.js';
import type { ReadOptions, RecordSink } from '../source.js';
import { requestExprs, needsRowIndex, type Vantage } from './expressions.js';
import { readerType } from './fields.js';
import { csvHeader, traceKind, type TraceKind } from './header.js';
import { resolveMapping, type Mapping } from './mapping.js';
import { readerError } from './reader-errors.js';
import { detectingReader, relationSql, type RelationSpec } from './relation.js';

export interface TraceSpec {
  /** Format name, for messages. */
  format: string;
  /** Source columns → field names the format always uses (`--map` entries override). */
  preset?: Record<string, string>;
  /** Also map columns already named like a field (generic traces). */
  auto: boolean;
  /** Clock of every row; inferred per row from the timestamps when absent. */
  clock?: Clock;
  vantage?: Vantage;
  /** Emit one `run` row (run_id `0`) for the file with this tool name; needs `clock`. */
  runTool?: string;
}

interface FileColumns {
  kind: TraceKind;
  names: string[];
  /** Types DuckDB detected (JSON lines, Parquet). */
  detected: Map<string, string>;
  delimiter?: string;
  jsonFormat?: RelationSpec['jsonFormat'];
}

async function fileColumns(path: string, sink: RecordSink, format: string): Promise<FileColumns> {
  const probe = await readProbe(path);
  const kind = traceKind(probe.ext, probe.gzip);
  if (!kind) {
    throw new InferscopeError(
      'PARSE_ERROR',
      `${format} reads .csv, .tsv, .jsonl, .ndjson, .json and .parquet files`,
      {
        file: path,
        format,
        hint: 'rename the file with the extension of its content',
      },
    );
  }
  if (kind === 'csv') {
    const header = csvHeader(probe.head);
    if (!header) {
      throw new InferscopeError('PARSE_ERROR', 'the file is empty: no header line', {
        file: path,
        format,
        line: 1,
        hint: 'a CSV trace starts with a header line naming its columns',
      });
    }
    const dup = header.columns.find((c, i) => header.columns.indexOf(c) !== i);
    if (dup !== undefined) {
      throw new InferscopeError('PARSE_ERROR', `the header names column "${dup}" twice`, {
        file: path,
        format,
        line: 1,
        field: dup,
        hint: 'rename one of the columns',
      });
    }
    return { kind, names: header.columns, detected: new Map(), delimiter: header.delimiter };
  }
  const jsonFormat = probe.ext === '.json' ? 'auto' : 'newline_delimited';
  let described: Record<string, string>;
  try {
    described = await sink.describe(detectingReader(kind, path, jsonFormat));
  } catch (e) {
    throw await readerError(e, { file: path, format, types: new Map() });
  }
  return {
    kind,
    names: Object.keys(described),
    detected: new Map(Object.entries(described)),
    jsonFormat,
  };
}

/** Types each column is read as: the mapping's reader type, else DuckDB's (JSON) or text (CSV). */
function columnTypes(file: FileColumns, mapping: Mapping): Map<string, string> {
  const wanted = new Map(mapping.mapped.map((m) => [m.column, readerType(m.field)]));
  return new Map(
    file.names.map((name) => {
      const detected = file.detected.get(name);
      if (file.kind === 'parquet') return [name, detected ?? 'VARCHAR'];
      return [name, wanted.get(name) ?? detected ?? 'VARCHAR'];
    }),
  );
}

/** Loads a request trace through DuckDB's reader; returns the rows written. */
export async function loadTrace(
  path: string,
  sink: RecordSink,
  options: ReadOptions,
  spec: TraceSpec,
): Promise<number> {
  const file = await fileColumns(path, sink, spec.format);
  const mapping = resolveMapping({
    file: path,
    format: spec.format,
    columns: file.names,
    map: options.map,
    preset: spec.preset,
    auto: spec.auto,
  });
  const types = columnTypes(file, mapping);
  const from = relationSql({
    kind: file.kind,
    path,
    columns:
      file.kind === 'parquet' ? undefined : [...types].map(([name, type]) => ({ name, type })),
    delimiter: file.delimiter,
    rowIndex: needsRowIndex(mapping),
    jsonFormat: file.jsonFormat,
  });
  const runId = spec.runTool && spec.clock ? '0' : undefined;
  const exprs = requestExprs(mapping, types, {
    clock: spec.clock,
    vantage: spec.vantage,
    runId,
  });

  if (runId !== undefined && spec.runTool && spec.clock) {
    sink.emit('run', {
      run_id: runId,
      tool: spec.runTool,
      name: basename(path),
      model: options.labels?.model,
      clock: spec.clock,
    });
  }
  if (mapping.extras.length) {
    sink.warn({
      code: 'UNMAPPED_COLUMNS',
      message: `columns kept in attributes (no request field): ${mapping.extras.join(', ')}`,
    });
  }
  if (mapping.derived.length) {
    sink.warn({
      code: 'DERIVED_COLUMNS',
      message: `columns recomputed from the others and not stored: ${mapping.derived.join(', ')}`,
    });
  }

  let rows: number;
  try {
    rows = await sink.loadRequests(from, exprs);
  } catch (e) {
    throw await readerError(e, { file: path, format: spec.format, types });
  }
  if (rows === 0) sink.warn({ code: 'EMPTY', message: 'the trace has a header but no rows' });
  return rows;
}
