/**
 * @module Azure LLM inference traces (AzurePublicDataset, 2023 and the 2024 week-long set):
 * CSV `TIMESTAMP,ContextTokens,GeneratedTokens`, one row per request arrival. TIMESTAMP is a
 * wall-clock datetime with 7 fractional digits (100 ns), read straight to int64 ns.
 */

import type { SourceFormat } from '../source.js';
import { probeColumns } from './header.js';
import { loadTrace, type TraceSpec } from './load.js';

/** The three columns of every Azure LLM trace (the 2025 multimodal one adds NumImages). */
export const AZURE_PRESET = {
  TIMESTAMP: 't_client_send_iso',
  ContextTokens: 'prompt_tokens',
  GeneratedTokens: 'output_tokens',
};

const SPEC: TraceSpec = {
  format: 'azure-trace',
  preset: AZURE_PRESET,
  auto: false,
  clock: 'epoch',
  vantage: 'trace',
  runTool: 'azure-trace',
};

export const azureTrace: SourceFormat = {
  name: 'azure-trace',
  title: 'Azure LLM inference trace CSV (2023, 2024): arrival time and token counts',
  recognizes: 'a CSV whose header has `TIMESTAMP`, `ContextTokens` and `GeneratedTokens`',
  extensions: ['.csv'],
  sniff(p) {
    const cols = probeColumns(p);
    if (cols?.kind !== 'csv') return 0;
    return Object.keys(AZURE_PRESET).every((c) => cols.columns.includes(c)) ? 0.95 : 0;
  },
  async read(path, sink, options) {
    await loadTrace(path, sink, options, SPEC);
  },
};
