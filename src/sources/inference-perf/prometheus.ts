/**
 * @module inference-perf `stage_<i>_prometheus_metrics.json` / `summary_prometheus_metrics.json`:
 * server-side figures the tool queried from Prometheus (PromQL over the stage window) → one run
 * and run_stat rows whose native_name starts with `prometheus.` and whose quantiles are marked
 * `server_histogram_estimate` (interpolated inside the model server's histogram buckets).
 */

import { z } from 'zod';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import type { ReportContext } from './lifecycle.js';
import { emitDistribution, emitValue, INFERENCE_PERF, isDistribution, unitOf } from './stats.js';

const PrometheusReport = z.looseObject({
  load_summary: z.record(z.string(), z.unknown()).optional(),
  successes: z.record(z.string(), z.unknown()),
  failures: z.record(z.string(), z.unknown()).optional(),
});

export const SERVER_ESTIMATE = 'server_histogram_estimate';
const SERVER_SIDE = 'server_side';

/** Server histogram summaries → canonical metric (seconds or tokens). */
const HISTOGRAMS: Record<string, { metric: string; unit: string }> = {
  request_latency: { metric: 'e2e', unit: 's' },
  time_to_first_token: { metric: 'ttft', unit: 's' },
  time_per_output_token: { metric: 'tpot', unit: 's' },
  inter_token_latency: { metric: 'itl', unit: 's' },
  request_queue_time: { metric: 'queue', unit: 's' },
  request_prefill_time: { metric: 'prefill', unit: 's' },
  request_decode_time: { metric: 'decode', unit: 's' },
  request_inference_time: { metric: 'inference', unit: 's' },
  request_prompt_tokens: { metric: 'prompt_tokens', unit: 'tokens' },
  request_generation_tokens: { metric: 'output_tokens', unit: 'tokens' },
  iteration_tokens: { metric: 'iteration_tokens', unit: 'tokens' },
};

/** Gauges and counters reported as `{mean: x}` → canonical metric and stat. */
const GAUGES: Record<string, { metric: string; unit: string; stat: string }> = {
  queue_len: { metric: 'requests_waiting', unit: 'count', stat: 'mean' },
  num_requests_running: { metric: 'requests_running', unit: 'count', stat: 'mean' },
  kv_cache_usage_percentage: { metric: 'kv_usage', unit: 'ratio', stat: 'mean' },
  // `{mean: …}` holds the counter's increase over the window, not a mean.
  num_preemptions_total: { metric: 'preemptions', unit: 'count', stat: 'value' },
};

export function emitPrometheus(value: unknown, sink: RecordSink, ctx: ReportContext): void {
  const at = { file: ctx.file, format: INFERENCE_PERF };
  const doc = validateInput(PrometheusReport, value, at);
  const s = doc.successes;
  const total = validateInput(z.number().nonnegative().optional(), s.count, {
    ...at,
    at: { pointer: 'successes.count' },
  });
  const rate = validateInput(z.number().nullable().optional(), s.rate, {
    ...at,
    at: { pointer: 'successes.rate' },
  });
  const config: Record<string, unknown> = { report: 'prometheus', vantage: 'server' };
  for (const [k, v] of Object.entries(s)) {
    if (!isDistribution(v) && k !== 'rate') config[`successes.${k}`] = v;
  }
  for (const [k, v] of Object.entries(doc.failures ?? {})) config[`failures.${k}`] = v;
  sink.emit('run', {
    run_id: ctx.runId,
    tool: INFERENCE_PERF,
    name: ctx.name,
    clock: 'request',
    // PromQL increase() can be fractional: such a count stays in config only.
    completed: total !== undefined && Number.isInteger(total) ? total : undefined,
    config,
  });

  const runId = ctx.runId;
  const native = (k: string) => `prometheus.${k}`;
  const side = { runId, definition: SERVER_SIDE };
  emitValue(sink, rate, {
    ...side,
    metric: 'request_throughput',
    unit: 'requests/s',
    native: native('rate'),
    stat: 'rate',
  });
  for (const [key, v] of Object.entries(s)) {
    if (!isDistribution(v)) continue;
    if (key === 'prompt_len' || key === 'output_len') {
      const prompt = key === 'prompt_len';
      emitValue(sink, v.mean, {
        ...side,
        metric: prompt ? 'prompt_tokens' : 'output_tokens',
        unit: 'tokens',
        native: native(`${key}.mean`),
        stat: 'mean',
      });
      emitValue(sink, v.rate, {
        ...side,
        metric: prompt ? 'input_token_throughput' : 'output_token_throughput',
        unit: 'tokens/s',
        native: native(`${key}.rate`),
        stat: 'rate',
      });
      continue;
    }
    const gauge = GAUGES[key];
    if (gauge && Object.keys(v).length === 1) {
      emitValue(sink, v.mean, { ...side, ...gauge, native: native(`${key}.mean`) });
      continue;
    }
    const h = HISTOGRAMS[key];
    const target = h
      ? { ...h, runId, native: native(key), definition: SERVER_ESTIMATE }
      : {
          ...side,
          metric: gauge?.metric ?? key,
          unit: gauge?.unit ?? unitOf(key),
          native: native(key),
        };
    const rest = emitDistribution(sink, v, target);
    for (const [k, x] of Object.entries(rest)) {
      emitValue(sink, x, { ...target, native: native(`${key}.${k}`), stat: k });
    }
  }
}
