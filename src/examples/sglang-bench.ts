/**
 * @module Writes an ExampleRun as one line of SGLang `bench_serving --output-file` JSONL, with the
 * aggregates computed the way SGLang's calculate_metrics does (numpy statistics over successful
 * requests, ITL flattened across requests), in the 2024 short key set or the 2026 one.
 */

import { mean, quantile } from '../base/stats.js';
import { dumpJson, populationStd } from './json-text.js';
import type { ExampleRun } from './workload.js';

export interface SglangBenchWriteOptions {
  /** `2024`: the short key set of the public samples; `2026`: the full one. Default 2026. */
  keySet?: '2024' | '2026';
  /** Per-request arrays (`--output-details`). Default true for 2026, false for 2024. */
  details?: boolean;
  /** The requested rate; default the run's. Infinity is written as Python writes it. */
  requestRate?: number;
  tag?: string;
}

/** numpy's `np.<f>(xs or 0)`: statistics of an empty list are those of [0]. */
const orZero = (xs: number[]) => (xs.length ? xs : [0]);
const ms = (xs: number[]) => orZero(xs).map((x) => x * 1000);

/** The run's result object, keys in SGLang's order. */
export function sglangBenchRecord(
  run: ExampleRun,
  options: SglangBenchWriteOptions = {},
): Record<string, unknown> {
  const keySet = options.keySet ?? '2026';
  const reqs = run.requests;
  const ok = reqs.filter((r) => r.ok);
  const first = reqs[0].sendS;
  const duration = Math.max(...reqs.map((r) => r.sendS + r.e2eS)) - first;
  const ttfts = ms(ok.map((r) => r.ttftS));
  const tpots = ms(
    ok.filter((r) => r.outputTokens > 1).map((r) => (r.e2eS - r.ttftS) / (r.outputTokens - 1)),
  );
  const itls = ms(ok.flatMap((r) => r.gapsS));
  const e2e = ms(ok.map((r) => r.e2eS));
  const totalIn = ok.reduce((a, r) => a + r.promptTokens, 0);
  const totalOut = ok.reduce((a, r) => a + r.outputTokens, 0);
  const rate = options.requestRate ?? run.requestRate;

  if (keySet === '2024') {
    const out: Record<string, unknown> = {
      backend: 'sglang',
      dataset_name: 'random',
      request_rate: rate,
      max_concurrency: null,
      total_input_tokens: totalIn,
      total_output_tokens: totalOut,
      total_output_tokens_retokenized: totalOut,
      mean_e2e_latency_ms: mean(e2e),
      median_e2e_latency_ms: quantile(e2e, 0.5),
      median_ttft_ms: quantile(ttfts, 0.5),
      median_itl_ms: quantile(itls, 0.5),
      output_throughput: totalOut / duration,
      sharegpt_output_len: null,
      random_input_len: 1024,
      random_output_len: 1024,
      random_range_ratio: 0.0,
      duration,
      completed: ok.length,
    };
    return options.details ? { ...out, ...details(run) } : out;
  }
  const out: Record<string, unknown> = {
    tag: options.tag ?? null,
    backend: 'sglang-oai-chat',
    dataset_name: 'random',
    request_rate: rate,
    max_concurrency: null,
    sharegpt_output_len: null,
    random_input_len: 1024,
    random_output_len: 1024,
    random_range_ratio: 0.0,
    server_info: { model_path: run.model, tp_size: 1, dp_size: 1, version: '0.5.4' },
    duration,
    completed: ok.length,
    total_input_tokens: totalIn,
    total_input_text_tokens: totalIn,
    total_input_vision_tokens: 0,
    total_output_tokens: totalOut,
    total_output_tokens_retokenized: totalOut,
    request_throughput: ok.length / duration,
    input_throughput: totalIn / duration,
    output_throughput: totalOut / duration,
    total_throughput: (totalIn + totalOut) / duration,
  };
  const stats = (name: string, xs: number[], ps: number[]) => {
    out[`mean_${name}_ms`] = mean(xs);
    out[`median_${name}_ms`] = quantile(xs, 0.5);
    out[`std_${name}_ms`] = populationStd(xs);
    for (const p of ps) out[`p${p}_${name}_ms`] = quantile(xs, p / 100);
  };
  stats('e2e_latency', e2e, [90, 99]);
  stats('ttft', ttfts, [99]);
  stats('tpot', tpots, [99]);
  stats('itl', itls, [95, 99]);
  out.max_itl_ms = Math.max(...itls);
  out.concurrency = ok.reduce((a, r) => a + r.e2eS, 0) / duration;
  out.accept_length = null;
  return (options.details ?? true) ? { ...out, ...details(run) } : out;
}

/** `--output-details`: one entry per request sent, failures included (ttft 0, no chunks). */
function details(run: ExampleRun): Record<string, unknown> {
  const reqs = run.requests;
  return {
    input_lens: reqs.map((r) => r.promptTokens),
    output_lens: reqs.map((r) => (r.ok ? r.outputTokens : 0)),
    ttfts: reqs.map((r) => (r.ok ? r.ttftS : 0.0)),
    itls: reqs.map((r) => (r.ok ? r.gapsS : [])),
    generated_texts: reqs.map((r) => (r.ok ? ' tok'.repeat(r.outputTokens) : '')),
    errors: reqs.map((r) => (r.ok ? '' : (r.error ?? 'error'))),
  };
}

/** One JSONL line (no newline), as `json.dumps(result)` writes it. */
export function sglangBenchLine(run: ExampleRun, options: SglangBenchWriteOptions = {}): string {
  return dumpJson(sglangBenchRecord(run, options), 'python');
}
