/**
 * @module Mooncake request traces (kvcache-ai/Mooncake, FAST'25): JSON lines
 * `{timestamp, input_length, output_length, hash_ids}`. `timestamp` is ms since the trace start;
 * `hash_ids` are the ids of the request's 512-token prefix blocks (shared ids = reusable KV),
 * kept as a JSON array in `prefix_blocks`.
 */

import type { SourceFormat } from '../source.js';
import { probeColumns } from './header.js';
import { loadTrace, type TraceSpec } from './load.js';

export const MOONCAKE_PRESET = {
  timestamp: 't_client_send_ms',
  input_length: 'prompt_tokens',
  output_length: 'output_tokens',
  hash_ids: 'prefix_blocks',
};

const SPEC: TraceSpec = {
  format: 'mooncake-trace',
  preset: MOONCAKE_PRESET,
  auto: false,
  clock: 'run',
  vantage: 'trace',
  runTool: 'mooncake-trace',
};

export const mooncakeTrace: SourceFormat = {
  name: 'mooncake-trace',
  title: 'Mooncake request trace JSONL: arrivals, token counts and prefix-block hash ids',
  recognizes:
    'JSON lines whose first record has `timestamp`, `input_length`, `output_length` and `hash_ids`',
  extensions: ['.jsonl', '.json'],
  sniff(p) {
    const cols = probeColumns(p);
    if (cols?.kind !== 'jsonl') return 0;
    const keys = new Set(cols.columns);
    if (!keys.has('input_length') || !keys.has('output_length')) return 0;
    return keys.has('hash_ids') && keys.has('timestamp') ? 0.95 : 0.6;
  },
  async read(path, sink, options) {
    await loadTrace(path, sink, options, SPEC);
  },
};
