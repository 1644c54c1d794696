/**
 * @module Writes an ExampleRun as a ray-project/llmperf result pair (`<stem>_summary.json` and
 * `<stem>_individual_responses.json`, version `2023-08-31`), computing the summary the way
 * llmperf's metrics_summary does: statistics over successful requests only, pandas quantiles
 * (linear interpolation), sample standard deviation, token-count min/max written as strings.
 */

import { mean, quantile } from '../base/stats.js';
import type { ExampleRequest, ExampleRun } from './workload.js';

export interface LlmperfWriteOptions {
  /** Only these requests (e.g. one pool); default all. */
  filter?: (pool: string) => boolean;
  /** `num_concurrent_requests` written to the summary. Default 8. */
  concurrency?: number;
}

/** The file stem llmperf derives from `<model>_<mean input>_<mean output>`. */
export function llmperfStem(run: ExampleRun): string {
  return `${run.model}_550_150`.replace(/[^\w\d-]+/g, '-').replace(/-{2,}/g, '-');
}

function httpCode(r: ExampleRequest): number {
  const m = /(\d{3})/.exec(r.error ?? '');
  return m ? Number(m[1]) : 500;
}

/** One llmperf per-request dict. Failed requests keep llmperf's zeroed timings. */
function individual(r: ExampleRequest): Record<string, unknown> {
  if (!r.ok) {
    return {
      error_code: httpCode(r),
      error_msg: r.error ?? 'error',
      inter_token_latency_s: 0,
      ttft_s: 0,
      end_to_end_latency_s: 0,
      request_output_throughput_token_per_s: 0,
      number_total_tokens: r.promptTokens,
      number_output_tokens: 0,
      number_input_tokens: r.promptTokens,
    };
  }
  const lastChunkS = r.ttftS + r.gapsS.reduce((a, b) => a + b, 0);
  return {
    error_code: null,
    error_msg: '',
    // llmperf: the sum of every chunk gap including TTFT, over the output tokens.
    inter_token_latency_s: lastChunkS / r.outputTokens,
    ttft_s: r.ttftS,
    end_to_end_latency_s: r.e2eS,
    request_output_throughput_token_per_s: r.outputTokens / r.e2eS,
    number_total_tokens: r.promptTokens + r.outputTokens,
    number_output_tokens: r.outputTokens,
    number_input_tokens: r.promptTokens,
  };
}

export function llmperfIndividual(
  run: ExampleRun,
  options: LlmperfWriteOptions = {},
): Record<string, unknown>[] {
  return run.requests.filter((r) => !options.filter || options.filter(r.pool)).map(individual);
}

function sampleStd(xs: number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function llmperfSummary(
  run: ExampleRun,
  options: LlmperfWriteOptions = {},
): Record<string, unknown> {
  const reqs = run.requests.filter((r) => !options.filter || options.filter(r.pool));
  const rows = reqs.map(individual);
  const ok = rows.filter((r) => r.error_code === null);
  const stem = llmperfStem(run);
  const out: Record<string, unknown> = {
    version: '2023-08-31',
    name: `${stem}_summary`,
    model: run.model,
    mean_input_tokens: 550,
    stddev_input_tokens: 150,
    mean_output_tokens: 150,
    stddev_output_tokens: 10,
    num_concurrent_requests: options.concurrency ?? 8,
  };
  const metrics = [
    'inter_token_latency_s',
    'ttft_s',
    'end_to_end_latency_s',
    'request_output_throughput_token_per_s',
    'number_input_tokens',
    'number_output_tokens',
  ];
  for (const m of metrics) {
    const xs = ok.map((r) => r[m] as number);
    for (const p of [25, 50, 75, 90, 95, 99])
      out[`results_${m}_quantiles_p${p}`] = quantile(xs, p / 100);
    out[`results_${m}_mean`] = mean(xs);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const tokenCount = m.startsWith('number_');
    out[`results_${m}_min`] = tokenCount ? String(lo) : lo;
    out[`results_${m}_max`] = tokenCount ? String(hi) : hi;
    out[`results_${m}_stddev`] = sampleStd(xs);
  }
  const errors = rows.length - ok.length;
  const codes = new Map<number, number>();
  for (const r of rows)
    if (r.error_code !== null) {
      const c = r.error_code as number;
      codes.set(c, (codes.get(c) ?? 0) + 1);
    }
  const first = reqs[0].sendS;
  const durationS = Math.max(...reqs.map((r) => r.sendS + r.e2eS)) - first;
  const outTokens = ok.reduce((a, r) => a + (r.number_output_tokens as number), 0);
  out.results_num_requests_started = rows.length;
  out.results_error_rate = errors / rows.length;
  out.results_number_errors = errors;
  out.results_error_code_frequency = `{${[...codes].map(([c, n]) => `${c.toFixed(1)}: ${n}`).join(', ')}}`;
  out.results_mean_output_throughput_token_per_s = outTokens / durationS;
  out.results_num_completed_requests = ok.length;
  out.results_num_completed_requests_per_min = (ok.length / durationS) * 60;
  out.timestamp = Math.round(first + durationS);
  return out;
}
