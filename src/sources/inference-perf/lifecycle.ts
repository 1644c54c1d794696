/**
 * @module inference-perf `stage_<i>_lifecycle_metrics.json` / `summary_lifecycle_metrics.json`:
 * client-side aggregates in seconds → one run and its run_stat rows. inference-perf computes them
 * with numpy percentiles over successful requests; its definitions differ from ours for NTPOT
 * ((end − start)/n, first token and stream end included) and ITL (one delta per token, every
 * token of a chunk stamped with the chunk's arrival, so in-chunk deltas are 0).
 */

import { z } from 'zod';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import {
  Distribution,
  emitDistribution,
  emitValue,
  INFERENCE_PERF,
  isDistribution,
  unitOf,
} from './stats.js';

const count = z.number().int().nonnegative();
const MaybeDist = Distribution.nullable().optional();

const Lifecycle = z.looseObject({
  benchmark_time_seconds: z.number().nonnegative().optional(),
  load_summary: z.looseObject({
    count: count.optional(),
    schedule_delay: MaybeDist,
    send_duration: z.number().optional(),
    requested_rate: z.number().optional(),
    achieved_rate: z.number().optional(),
    concurrency: count.nullable().optional(),
  }),
  successes: z.looseObject({
    count,
    latency: z.record(z.string(), Distribution.nullable()).optional(),
    throughput: z.record(z.string(), z.number().nullable()).optional(),
    prompt_len: MaybeDist,
    output_len: MaybeDist,
  }),
  failures: z.looseObject({
    count,
    request_latency: MaybeDist,
    prompt_len: MaybeDist,
  }),
});
interface Mapped {
  metric: string;
  unit: string;
  definition?: string;
}

/** Dotted path of a distribution → canonical metric. */
const DISTRIBUTIONS: Record<string, Mapped> = {
  'successes.latency.request_latency': { metric: 'e2e', unit: 's' },
  'successes.latency.time_to_first_token': { metric: 'ttft', unit: 's' },
  'successes.latency.time_per_output_token': { metric: 'tpot', unit: 's' },
  'successes.latency.normalized_time_per_output_token': {
    metric: 'tpot',
    unit: 's',
    definition: 'e2e_per_output_token',
  },
  'successes.latency.inter_token_latency': {
    metric: 'itl',
    unit: 's',
    definition: 'per_token_zero_within_chunk',
  },
  'successes.prompt_len': { metric: 'prompt_tokens', unit: 'tokens' },
  'successes.output_len': { metric: 'output_tokens', unit: 'tokens' },
  'load_summary.schedule_delay': {
    metric: 'client_queue',
    unit: 's',
    definition: 'start_minus_scheduled_time',
  },
};

const THROUGHPUT: Record<string, Mapped> = {
  input_tokens_per_sec: { metric: 'input_token_throughput', unit: 'tokens/s' },
  output_tokens_per_sec: { metric: 'output_token_throughput', unit: 'tokens/s' },
  total_tokens_per_sec: { metric: 'total_token_throughput', unit: 'tokens/s' },
  requests_per_sec: { metric: 'request_throughput', unit: 'requests/s' },
};

export interface ReportContext {
  file: string;
  runId: string;
  name: string;
}

export function emitLifecycle(value: unknown, sink: RecordSink, ctx: ReportContext): void {
  const doc = validateInput(Lifecycle, value, { file: ctx.file, format: INFERENCE_PERF });
  const config: Record<string, unknown> = { report: 'lifecycle' };
  const s = doc.successes;
  const rps = s.throughput?.requests_per_sec;
  // inference-perf divides by max(end) − min(start) over all requests: recover that window.
  const duration =
    doc.benchmark_time_seconds !== undefined && doc.benchmark_time_seconds > 0
      ? doc.benchmark_time_seconds
      : s.count > 0 && typeof rps === 'number' && rps > 0
        ? s.count / rps
        : undefined;
  sink.emit('run', {
    run_id: ctx.runId,
    tool: INFERENCE_PERF,
    name: ctx.name,
    clock: 'request',
    duration_s: duration,
    request_rate: doc.load_summary.requested_rate,
    max_concurrency: doc.load_summary.concurrency ?? undefined,
    completed: s.count,
    failed: doc.failures.count,
    config,
  });

  for (const [key, v] of Object.entries(s.throughput ?? {})) {
    const m = THROUGHPUT[key];
    if (m && typeof v === 'number') {
      emitValue(sink, v, {
        ...m,
        runId: ctx.runId,
        native: `successes.throughput.${key}`,
        stat: 'rate',
      });
    } else config[`successes.throughput.${key}`] = v;
  }
  walk(doc, '', sink, ctx, config);
}

/** Emits every distribution under `node` (mapped or under its native path); scalars → config. */
function walk(
  node: Record<string, unknown>,
  path: string,
  sink: RecordSink,
  ctx: ReportContext,
  config: Record<string, unknown>,
): void {
  for (const [key, v] of Object.entries(node)) {
    const p = path ? `${path}.${key}` : key;
    if (p === 'successes.throughput') continue;
    if (isDistribution(v)) {
      const m = DISTRIBUTIONS[p] ?? { metric: p, unit: unitOf(p) };
      const rest = emitDistribution(sink, v, { ...m, runId: ctx.runId, native: p });
      for (const [k, x] of Object.entries(rest)) config[`${p}.${k}`] = x;
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      walk(v as Record<string, unknown>, p, sink, ctx, config);
    } else {
      config[p] = v;
    }
  }
}
