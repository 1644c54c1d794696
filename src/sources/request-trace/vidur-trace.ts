/**
 * @module Vidur's processed traces (microsoft/vidur `data/processed_traces/`): CSV
 * `arrived_at,num_prefill_tokens,num_decode_tokens` with arrivals in seconds from the first
 * request; the length-only files (no `arrived_at`) become requests on the request clock.
 */

import type { SourceFormat } from '../source.js';
import { csvHeader, probeColumns } from './header.js';
import { loadTrace } from './load.js';
import { readProbe } from '../read.js';

const LENGTHS = { num_prefill_tokens: 'prompt_tokens', num_decode_tokens: 'output_tokens' };

export const vidurTrace: SourceFormat = {
  name: 'vidur-trace',
  title: 'Vidur processed trace CSV: arrival (s from the first request) and token counts',
  recognizes: 'a CSV whose header has `num_prefill_tokens` and `num_decode_tokens`',
  extensions: ['.csv'],
  sniff(p) {
    const cols = probeColumns(p);
    if (cols?.kind !== 'csv') return 0;
    if (!Object.keys(LENGTHS).every((c) => cols.columns.includes(c))) return 0;
    return cols.columns.includes('arrived_at') ? 0.95 : 0.85;
  },
  async read(path, sink, options) {
    const header = csvHeader((await readProbe(path)).head);
    const arrivals = header?.columns.includes('arrived_at') ?? false;
    await loadTrace(path, sink, options, {
      format: 'vidur-trace',
      preset: arrivals ? { arrived_at: 't_client_send_s', ...LENGTHS } : LENGTHS,
      auto: false,
      clock: arrivals ? 'run' : 'request',
      vantage: 'trace',
      runTool: 'vidur-trace',
    });
  },
};
