/**
 * @module Writes an ExampleRun as a vLLM `bench serve` result JSON, computing the aggregate keys
 * the way vLLM's calculate_metrics does (numpy mean/median/std/percentile over successful
 * requests; ITL flattened across requests).
 */

import { mean, quantile } from '../base/stats.js';
import type { ExampleRun } from './workload.js';

export interface VllmBenchWriteOptions {
  /** Keep the per-request arrays (`--save-detailed`). Default true. */
  detailed?: boolean;
  /** Write the 2024 key set: no `failed`, `start_times`, `queue_times`. */
  legacy?: boolean;
  /** Only these requests (e.g. one pool); default all. */
  filter?: (pool: string) => boolean;
}

function std(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

function stats(out: Record<string, unknown>, name: string, xsS: number[]): void {
  const ms = xsS.map((x) => x * 1000);
  const safe = (v: number) => (ms.length ? v : 0);
  out[`mean_${name}_ms`] = safe(mean(ms));
  out[`median_${name}_ms`] = safe(quantile(ms, 0.5));
  out[`std_${name}_ms`] = safe(std(ms));
  out[`p99_${name}_ms`] = safe(quantile(ms, 0.99));
}

export function vllmBenchJson(
  run: ExampleRun,
  options: VllmBenchWriteOptions = {},
): Record<string, unknown> {
  const reqs = run.requests.filter((r) => !options.filter || options.filter(r.pool));
  const ok = reqs.filter((r) => r.ok);
  const first = reqs[0].sendS;
  const duration = Math.max(...reqs.map((r) => r.sendS + r.e2eS)) - first;
  const out: Record<string, unknown> = {
    date: '20251120-120000',
    endpoint_type: 'openai',
    backend: 'vllm',
    label: null,
    model_id: run.model,
    tokenizer_id: run.model,
    num_prompts: reqs.length,
    request_rate: run.requestRate,
    burstiness: 1.0,
    max_concurrency: null,
    duration,
    completed: ok.length,
  };
  if (!options.legacy) out.failed = reqs.length - ok.length;
  out.total_input_tokens = ok.reduce((a, r) => a + r.promptTokens, 0);
  out.total_output_tokens = ok.reduce((a, r) => a + r.outputTokens, 0);
  out.request_throughput = ok.length / duration;
  out.request_goodput = null;
  out.output_throughput = (out.total_output_tokens as number) / duration;
  out.total_token_throughput =
    ((out.total_input_tokens as number) + (out.total_output_tokens as number)) / duration;
  if (options.detailed ?? true) {
    out.input_lens = reqs.map((r) => r.promptTokens);
    out.output_lens = reqs.map((r) => r.outputTokens);
    out.ttfts = reqs.map((r) => r.ttftS);
    out.itls = reqs.map((r) => r.gapsS);
    if (!options.legacy) out.start_times = reqs.map((r) => r.sendS);
    out.generated_texts = reqs.map((r) => (r.ok ? 'x'.repeat(r.outputTokens) : ''));
    out.errors = reqs.map((r) => r.error ?? '');
  }
  out.latencies = reqs.map((r) => r.e2eS);
  if (!options.legacy) out.queue_times = reqs.map(() => 0);
  stats(
    out,
    'ttft',
    ok.map((r) => r.ttftS),
  );
  stats(
    out,
    'tpot',
    ok.filter((r) => r.outputTokens > 1).map((r) => (r.e2eS - r.ttftS) / (r.outputTokens - 1)),
  );
  stats(
    out,
    'itl',
    ok.flatMap((r) => r.gapsS),
  );
  stats(
    out,
    'e2el',
    ok.map((r) => r.e2eS),
  );
  return out;
}
