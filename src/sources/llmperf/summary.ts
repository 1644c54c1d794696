/**
 * @module llmperf `*_summary.json`: a flattened dict of run aggregates → one run and its
 * run_stat rows. Statistics are over successful requests only (llmperf drops errored rows before
 * aggregating); quantiles are pandas' linear interpolation.
 */

import { z } from 'zod';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import { LLMPERF } from './llmperf-name.js';

/** llmperf writes some statistics (token-count min/max) as strings of digits. */
const NUMERIC_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const numeric = z.union([z.number(), z.string().regex(NUMERIC_TEXT, 'expected a number')]);
const count = z.number().int().nonnegative();

/** The scalar keys we read; every other non-statistic key is kept in the run's config. */
const LlmperfSummary = z.looseObject({
  version: z.string().optional(),
  name: z.string().optional(),
  model: z.string().optional(),
  num_concurrent_requests: count.optional(),
  results_num_requests_started: count.optional(),
  results_number_errors: count.optional(),
  results_num_completed_requests: count.optional(),
  results_num_completed_requests_per_min: z.number().nonnegative().optional(),
  results_mean_output_throughput_token_per_s: z.number().optional(),
  results_error_rate: z.number().optional(),
  results_error_code_frequency: z.string().optional(),
  timestamp: z.number().optional(),
});

/** `results_<metric>_<stat>` where stat is `quantiles_pNN`, mean, min, max or stddev. */
const STAT_KEY = /^results_(.+)_(quantiles_p\d+(?:\.\d+)?|mean|min|max|stddev)$/;

interface MetricMap {
  metric: string;
  unit: string;
  definition?: string;
}

/**
 * llmperf metric → canonical metric. llmperf's `inter_token_latency_s` is, per request, the sum
 * of every chunk gap *including* TTFT divided by the output tokens: (last chunk − send) / n.
 * That is a per-request time per output token that counts the first token, so it maps to
 * `tpot` with definition `incl_first_token` (the same quantity as GuideLLM's
 * `time_per_output_token_ms`); ours is (last − first) / (n − 1).
 */
export const LLMPERF_METRICS: Record<string, MetricMap> = {
  ttft_s: { metric: 'ttft', unit: 's' },
  end_to_end_latency_s: { metric: 'e2e', unit: 's' },
  inter_token_latency_s: { metric: 'tpot', unit: 's', definition: 'incl_first_token' },
  request_output_throughput_token_per_s: {
    metric: 'output_token_throughput',
    unit: 'tokens/s',
    definition: 'per_request',
  },
  number_input_tokens: { metric: 'prompt_tokens', unit: 'tokens' },
  number_output_tokens: { metric: 'output_tokens', unit: 'tokens' },
};

function statOf(raw: string): string {
  if (raw === 'stddev') return 'std';
  if (raw.startsWith('quantiles_')) return raw.slice('quantiles_'.length);
  return raw;
}

export interface SummaryContext {
  file: string;
  /** Run stem from the file name, used when the document has no `name`. */
  fallbackStem: string;
}

export function emitSummary(value: unknown, sink: RecordSink, ctx: SummaryContext): void {
  const doc = validateInput(LlmperfSummary, value, { file: ctx.file, format: LLMPERF });
  const runId = doc.name ? doc.name.replace(/_summary$/, '') : ctx.fallbackStem;
  const config: Record<string, unknown> = {};
  const stats: { key: string; map: MetricMap; stat: string; value: number }[] = [];
  let textNumbers = 0;
  for (const [key, raw] of Object.entries(doc)) {
    const m = STAT_KEY.exec(key);
    const map = m ? LLMPERF_METRICS[m[1]] : undefined;
    if (!m || !map) {
      config[key] = raw;
      continue;
    }
    const v = validateInput(numeric, raw, {
      file: ctx.file,
      format: LLMPERF,
      at: { pointer: key },
    });
    if (typeof v === 'string') textNumbers++;
    stats.push({ key, map, stat: statOf(m[2]), value: Number(v) });
  }
  if (textNumbers > 0) {
    sink.warn({
      code: 'NUMERIC_TEXT',
      message: `${textNumbers} statistics are numbers written as strings (llmperf does this for token-count min/max); read as numbers`,
    });
  }

  const completed = doc.results_num_completed_requests;
  const perMin = doc.results_num_completed_requests_per_min;
  // llmperf reports completed / (end − start) × 60; its inverse is the run's duration.
  const duration =
    completed !== undefined && completed > 0 && perMin !== undefined && perMin > 0
      ? (completed * 60) / perMin
      : undefined;
  sink.emit('run', {
    run_id: runId,
    tool: LLMPERF,
    tool_version: doc.version,
    name: runId,
    model: doc.model,
    clock: 'request',
    duration_s: duration,
    max_concurrency: doc.num_concurrent_requests,
    completed,
    failed: doc.results_number_errors,
    config,
  });

  for (const s of stats) {
    sink.emit(
      'run_stat',
      {
        run_id: runId,
        metric: s.map.metric,
        native_name: s.key,
        definition: s.map.definition,
        stat: s.stat,
        value: s.value,
        unit: s.map.unit,
      },
      { pointer: s.key },
    );
  }
  const scalar = (
    key: keyof typeof doc & string,
    metric: string,
    stat: string,
    unit: string,
    scale = 1,
  ) => {
    const v = doc[key];
    if (typeof v === 'number') {
      sink.emit(
        'run_stat',
        { run_id: runId, metric, native_name: key, stat, value: v * scale, unit },
        { pointer: key },
      );
    }
  };
  scalar(
    'results_mean_output_throughput_token_per_s',
    'output_token_throughput',
    'rate',
    'tokens/s',
  );
  scalar(
    'results_num_completed_requests_per_min',
    'request_throughput',
    'rate',
    'requests/s',
    1 / 60,
  );
  scalar('results_error_rate', 'error_rate', 'value', 'ratio');
}
