/**
 * @module What a trace file's first line says: the CSV header (delimiter and column names) or the
 * keys of the first JSON-lines record. Used for sniffing and to give DuckDB's CSV reader an exact
 * column list, so it never has to guess the dialect.
 */

import type { Probe } from '../source.js';

export type TraceKind = 'csv' | 'jsonl' | 'parquet';

const KIND_BY_EXT: Record<string, TraceKind> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The reader for an extension (`.gz` already stripped by the probe); undefined if none. */
export function traceKind(ext: string, gzip = false): TraceKind | undefined {
  const kind = KIND_BY_EXT[ext];
  return gzip && kind === 'parquet' ? undefined : kind;
}

export interface CsvHeader {
  delimiter: string;
  columns: string[];
}

/** The first line of a text (without BOM and line ending). */
export function firstLine(text: string): string {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const nl = t.indexOf('\n');
  const line = nl < 0 ? t : t.slice(0, nl);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Splits one CSV line on `delimiter`, honouring double quotes (`""` escapes a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Reads the header line of a CSV text: the delimiter is the most frequent of `, \t ; |`. */
export function csvHeader(text: string): CsvHeader | undefined {
  const line = firstLine(text);
  if (line.trim() === '') return undefined;
  let delimiter = ',';
  let best = 0;
  for (const d of [',', '\t', ';', '|']) {
    const n = splitCsvLine(line, d).length - 1;
    if (n > best) {
      best = n;
      delimiter = d;
    }
  }
  const columns = splitCsvLine(line, delimiter).map((c, i) => c.trim() || `column${i}`);
  return { delimiter, columns };
}

/** Top-level keys of the first JSON-lines record (tolerates a record cut by the probe). */
export function jsonlKeys(text: string): string[] {
  const line = firstLine(text.trimStart());
  if (!line.startsWith('{')) return [];
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
  } catch {
    // A long first record may be cut by the probe: take keys at nesting depth 1.
    const keys: string[] = [];
    let depth = 0;
    const re = /"((?:[^"\\]|\\.)*)"\s*(:)?|[{}[\]]/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const t = m[0];
      if (t === '{' || t === '[') depth++;
      else if (t === '}' || t === ']') depth--;
      else if (m[2] && depth === 1) keys.push(m[1]);
    }
    return keys;
  }
}

/** Column names visible in the probe, for sniffing: CSV header or first JSONL record's keys. */
export function probeColumns(p: Probe): { kind: TraceKind; columns: string[] } | undefined {
  const kind = traceKind(p.ext, p.gzip);
  if (kind === 'csv') {
    const h = csvHeader(p.head);
    return h ? { kind, columns: h.columns } : undefined;
  }
  if (kind === 'jsonl') return { kind, columns: jsonlKeys(p.head) };
  if (kind === 'parquet') return p.head.startsWith('PAR1') ? { kind, columns: [] } : undefined;
  return undefined;
}
