/**
 * @module Generic request traces: CSV, JSON lines or Parquet with one row per request, columns
 * mapped onto request fields with `--map column=field` or named like the fields already (a CSV
 * exported by `inferscope sql` reads back as is). Rules: docs/formats/request-trace.md.
 */

import type { SourceFormat } from '../source.js';
import { parseField } from './fields.js';
import { probeColumns } from './header.js';
import { loadTrace } from './load.js';

/** Field kinds that make a column a request measurement (not just a label). */
const STRONG = new Set(['timestamp', 'duration', 'count']);

export const requestTrace: SourceFormat = {
  name: 'request-trace',
  title: 'Generic request trace (CSV, JSONL, Parquet) with a column mapping',
  recognizes:
    'a header or first record with request field names (`request_id`, `t_client_send_ns`, `prompt_tokens`, `ttft_s`, ...); any Parquet file weakly; any layout with --format request-trace --map',
  extensions: ['.csv', '.tsv', '.jsonl', '.ndjson', '.json', '.parquet'],
  sniff(p) {
    const cols = probeColumns(p);
    if (!cols) return 0;
    if (cols.kind === 'parquet') {
      // The schema sits in the footer: visible in the probe for small files only.
      return /t_client_send|prompt_tokens|request_id|output_tokens/.test(p.head) ? 0.5 : 0.05;
    }
    const fields = cols.columns.map(parseField).filter((f) => f !== undefined);
    if (fields.length < 2 || !fields.some((f) => STRONG.has(f.kind))) return 0;
    return fields.some((f) => f.name === 'request_id') ? 0.6 : 0.5;
  },
  async read(path, sink, options) {
    await loadTrace(path, sink, options, { format: 'request-trace', auto: true });
  },
};
