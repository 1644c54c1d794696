/**
 * @module GuideLLM (vllm-project/guidellm) JSON report, schema v2: each benchmark is a run on the
 * epoch clock with its tool-reported distributions as run_stat rows and its per-request entries
 * as requests, so summaries are recomputed from them. GuideLLM may keep only a sample of the
 * requests (`sample_size`): then the counts differ and a warning says so.
 */

import { readJsonDocument, validateInput } from '../read.js';
import type { RecordSink, SourceFormat } from '../source.js';
import { Time } from '../../base/units.js';
import { emitMetrics } from './metrics.js';
import { emitRequests, REQUEST_GROUPS } from './requests.js';
import { GUIDELLM, Report, type Benchmark } from './schema.js';

export const guidellm: SourceFormat = {
  name: GUIDELLM,
  title: 'GuideLLM benchmark report JSON (schema v2)',
  recognizes:
    'a JSON object with `benchmarks` (each with `metrics` such as `time_to_first_token_ms`) and `metadata.guidellm_version` or `"type_": "generative_benchmark"`',
  extensions: ['.json'],
  sniff(p) {
    if (p.ext !== '.json' || !p.head.trimStart().startsWith('{')) return 0;
    const h = p.head;
    if (!/"benchmarks"\s*:/.test(h)) return 0;
    let score = 0;
    if (/"guidellm_version"\s*:/.test(h)) score += 0.6;
    if (/"generative_benchmark"/.test(h)) score += 0.2;
    if (/"time_to_first_token_ms"\s*:/.test(h)) score += 0.15;
    return Math.min(score, 0.95);
  },
  async read(path, sink, options) {
    const doc = validateInput(Report, await readJsonDocument(path, GUIDELLM), {
      file: path,
      format: GUIDELLM,
    });
    const reportModel = modelOf(doc.config);
    doc.benchmarks.forEach((b, i) =>
      emitBenchmark(b, i, sink, {
        file: path,
        version: doc.metadata?.guidellm_version,
        model: b.config?.backend?.model ?? reportModel ?? options.labels?.model,
      }),
    );
  },
};

function modelOf(config: unknown): string | undefined {
  const spec = (config as { spec?: { backend?: { model?: unknown } } } | undefined)?.spec;
  const m = spec?.backend?.model;
  return typeof m === 'string' ? m : undefined;
}

interface BenchmarkContext {
  file: string;
  version?: string;
  model?: string;
}

function emitBenchmark(b: Benchmark, index: number, sink: RecordSink, ctx: BenchmarkContext): void {
  const runId = String(index);
  const pointer = `benchmarks[${index}]`;
  const strategy = b.config?.strategy;
  const totals = (b.metrics.request_totals ?? {}) as Record<string, unknown>;
  const reported = (k: string) =>
    typeof totals[k] === 'number' ? (totals[k] as number) : undefined;
  const { metrics, requests, ...rest } = b;
  // Distributions become run_stat rows; other metric values (request_totals) go to config.
  const other = emitMetrics(metrics, sink, { file: ctx.file, runId, pointer });
  const config: Record<string, unknown> = { ...rest, metrics: other };
  const rate = strategy?.rate;
  sink.emit(
    'run',
    {
      run_id: runId,
      tool: GUIDELLM,
      tool_version: ctx.version,
      name: strategy?.type_
        ? `${strategy.type_}${typeof rate === 'number' ? `@${rate}` : ''}`
        : runId,
      model: ctx.model,
      clock: 'epoch',
      t_start_ns: Time.fromSeconds(b.start_time),
      t_end_ns: Time.fromSeconds(b.end_time),
      duration_s: b.duration ?? b.end_time - b.start_time,
      request_rate: typeof rate === 'number' ? rate : undefined,
      max_concurrency: strategy?.streams ?? strategy?.max_concurrency ?? undefined,
      completed: reported('successful'),
      failed: reported('errored'),
      config,
    },
    { pointer },
  );
  const unsuccessful = (reported('errored') ?? 0) + (reported('incomplete') ?? 0);
  if (unsuccessful > 0) {
    sink.warn({
      code: 'NOT_STORED',
      message: `${pointer}: the errored and incomplete parts of each metric are not stored as run_stat (only \`successful\`); the per-request entries keep those requests`,
    });
  }

  for (const group of REQUEST_GROUPS) {
    const list = requests?.[group] ?? [];
    emitRequests(group, list, sink, { file: ctx.file, runId, model: ctx.model, pointer });
    const total = reported(group);
    if (total !== undefined && total !== list.length) {
      sink.warn({
        code: 'SAMPLED_REQUESTS',
        message: `${pointer}: ${list.length} of ${total} ${group} requests are in the file (GuideLLM kept a sample); figures recomputed from requests cover the sample only, the reported ones are kept as run_stat`,
        at: { pointer: `${pointer}.requests.${group}` },
      });
    }
  }
}
