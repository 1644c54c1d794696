/**
 * @module AIPerf's aggregate `profile_export_aiperf.json`: metric objects (`{"unit", "avg",
 * "p50", ...}`), the run summary (`benchmark_duration`, `request_count`, `error_request_count`),
 * `error_summary` and `input_config`. Its `inter_token_latency` is our TPOT.
 */

import { AGGREGATE_SHAPE, emitAggregate, metricValue } from '../genai-perf/aggregate.js';
import { AIPERF_MARKERS } from '../genai-perf/summary.js';
import { readJsonDocument } from '../read.js';
import type { SourceFormat } from '../source.js';

const FORMAT = 'aiperf-summary';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const numberOr = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const countOr = (v: number | undefined) =>
  v !== undefined && Number.isInteger(v) && v >= 0 ? v : undefined;

export const aiperfSummary: SourceFormat = {
  name: FORMAT,
  title: 'AIPerf aggregate `profile_export_aiperf.json`',
  recognizes:
    'a JSON object of metric objects such as `"request_latency": {"unit": "ms", "avg": ...}` with AIPerf keys (`benchmark_duration`, `error_summary`, `input_config.cli_command`)',
  extensions: ['.json'],
  sniff(p) {
    if (p.ext !== '.json' || !p.head.trimStart().startsWith('{')) return 0;
    if (!AGGREGATE_SHAPE.test(p.head)) return 0;
    if (AIPERF_MARKERS.test(p.head)) return 0.9;
    return /aiperf/i.test(p.path.split('/').pop() ?? '') ? 0.8 : 0;
  },
  async read(path, sink) {
    emitAggregate(
      await readJsonDocument(path, FORMAT, { exact: true }),
      (doc) => {
        const config = obj(doc.input_config);
        const models = obj(config.endpoint).model_names;
        const loadgen = obj(config.loadgen);
        return {
          runId: '0',
          tool: 'aiperf',
          fields: {
            model: Array.isArray(models) && typeof models[0] === 'string' ? models[0] : undefined,
            duration_s: metricValue(doc, 'benchmark_duration'),
            completed: countOr(metricValue(doc, 'request_count')),
            failed: countOr(metricValue(doc, 'error_request_count')),
            request_rate: numberOr(loadgen.request_rate),
            max_concurrency: countOr(numberOr(loadgen.concurrency)),
          },
        };
      },
      { file: path, format: FORMAT, sink },
    );
  },
};
