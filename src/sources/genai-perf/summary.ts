/**
 * @module GenAI-Perf's aggregate `profile_export_genai_perf.json`: the statistics it computed
 * (milliseconds for latencies) plus `input_config`, the command-line arguments. Its
 * `inter_token_latency` is our TPOT, and its request latency ends at the last response with
 * content, not when the stream closes.
 */

import { readJsonDocument } from '../read.js';
import type { SourceFormat } from '../source.js';
import { AGGREGATE_SHAPE, emitAggregate } from './aggregate.js';

const FORMAT = 'genai-perf-summary';

/** Markers of AIPerf's aggregate file, which has the same metric objects. */
export const AIPERF_MARKERS =
  /"(error_summary|was_cancelled|telemetry_data|cli_command)"\s*:|"(benchmark_duration|request_count|total_isl|total_osl)"\s*:\s*\{|aiperf profile/;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const numberOr = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export const genaiPerfSummary: SourceFormat = {
  name: FORMAT,
  title: 'GenAI-Perf aggregate `profile_export_genai_perf.json`',
  recognizes:
    'a JSON object of metric objects such as `"time_to_first_token": {"unit": "ms", "avg": ...}` with GenAI-Perf `input_config` arguments',
  extensions: ['.json'],
  sniff(p) {
    if (p.ext !== '.json' || !p.head.trimStart().startsWith('{')) return 0;
    if (!AGGREGATE_SHAPE.test(p.head) || AIPERF_MARKERS.test(p.head)) return 0;
    if (/aiperf/i.test(p.path.split('/').pop() ?? '')) return 0;
    let score = 0.6;
    if (
      /genai_perf/i.test(p.path) ||
      /"(profile_export_file|artifact_dir|service_kind)"\s*:/.test(p.head)
    )
      score += 0.3;
    return score;
  },
  async read(path, sink) {
    emitAggregate(
      await readJsonDocument(path, FORMAT, { exact: true }),
      (doc) => {
        const args = (doc.input_config ?? {}) as Record<string, unknown>;
        const model = first(args.model);
        return {
          runId: '0',
          tool: 'genai-perf',
          fields: {
            model: typeof model === 'string' ? model : undefined,
            request_rate: numberOr(args.request_rate),
            max_concurrency: numberOr(args.concurrency),
          },
          definitions: { e2e: 'ends_at_last_content_response' },
        };
      },
      { file: path, format: FORMAT, sink },
    );
  },
};
