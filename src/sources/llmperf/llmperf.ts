/**
 * @module ray-project/llmperf results (version `2023-08-31`). One llmperf run writes a pair of
 * files sharing the stem `<model>_<in>_<out>`: `<stem>_summary.json` (flattened aggregates) and
 * `<stem>_individual_responses.json` (one dict per request). Each is ingested on its own; both
 * use the stem as `run_id` so the two can be related in SQL.
 */

import { basename } from 'node:path';
import { readJsonDocument } from '../read.js';
import type { SourceFormat } from '../source.js';
import { emitIndividual } from './individual.js';
import { LLMPERF } from './llmperf-name.js';
import { emitSummary } from './summary.js';

/** The run stem: the file name without `.json(.gz)` and without llmperf's role suffix. */
export function stemOf(path: string, suffix: '_summary' | '_individual_responses'): string {
  const base = basename(path).replace(/\.json(\.gz)?$/i, '');
  return base.endsWith(suffix) ? base.slice(0, -suffix.length) : base;
}

export const llmperf: SourceFormat = {
  name: LLMPERF,
  title: 'ray-project/llmperf results: `*_summary.json` and `*_individual_responses.json`',
  recognizes:
    'a JSON object with `version` and flattened `results_<metric>_quantiles_p50` keys (summary), or a JSON list of objects with `error_code`, `ttft_s` and `end_to_end_latency_s` (individual responses)',
  extensions: ['.json'],
  sniff(p) {
    if (p.ext !== '.json') return 0;
    const h = p.head.trimStart();
    if (h.startsWith('{')) {
      if (
        !/"results_(ttft_s|end_to_end_latency_s|inter_token_latency_s)_(quantiles_p\d+|mean)"\s*:/.test(
          h,
        )
      )
        return 0;
      let score = 0.7;
      if (/"version"\s*:\s*"2023-08-31"/.test(h)) score += 0.2;
      if (/"num_concurrent_requests"\s*:/.test(h)) score += 0.05;
      return score;
    }
    if (h.startsWith('[')) {
      const first = h.slice(0, 4096);
      if (!/"ttft_s"\s*:/.test(first) || !/"end_to_end_latency_s"\s*:/.test(first)) return 0;
      let score = 0.6;
      if (/"error_code"\s*:/.test(first)) score += 0.2;
      if (/"inter_token_latency_s"\s*:/.test(first)) score += 0.1;
      if (/"request_output_throughput_token_per_s"\s*:/.test(first)) score += 0.05;
      return score;
    }
    return 0;
  },
  async read(path, sink, options) {
    const doc = await readJsonDocument(path, LLMPERF);
    if (Array.isArray(doc)) {
      emitIndividual(doc, sink, {
        file: path,
        runId: stemOf(path, '_individual_responses'),
        model: options.labels?.model,
      });
    } else {
      emitSummary(doc, sink, { file: path, fallbackStem: stemOf(path, '_summary') });
    }
  },
};
