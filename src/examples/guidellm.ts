/**
 * @module Writes an ExampleRun as a GuideLLM report (schema v2): consecutive slices of the run
 * become benchmarks, each with serialised GenerativeRequestStats per request and
 * StatusDistributionSummary metrics. Percentiles use the nearest-rank rule the real sample
 * shows (p50 of two values is the lower one); rate distributions are simplified to the rate.
 */

import type { ExampleRequest, ExampleRun } from './workload.js';

export interface GuidellmWriteOptions {
  /** Benchmarks the run is split into. Default 2. */
  benchmarks?: number;
  /** Keep at most this many entries per status (GuideLLM's reservoir `sample_size`). */
  sampleSize?: number;
  /** Turn the last successful request of each benchmark into an incomplete (cancelled) one. */
  incomplete?: boolean;
}

const PCT_KEYS: [string, number][] = [
  ['p001', 0.1],
  ['p01', 1],
  ['p05', 5],
  ['p10', 10],
  ['p25', 25],
  ['p50', 50],
  ['p75', 75],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
  ['p999', 99.9],
];

/** Nearest-rank percentile of sorted values. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function distribution(xs: number[]): Record<string, unknown> {
  const n = xs.length;
  const sorted = [...xs].sort((a, b) => a - b);
  const sum = xs.reduce((a, b) => a + b, 0);
  const mean = n ? sum / n : 0;
  const variance = n ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n : 0;
  return {
    mean,
    median: n ? rank(sorted, 50) : 0,
    mode: n ? sorted[0] : 0,
    variance,
    std_dev: Math.sqrt(variance),
    min: n ? sorted[0] : 0,
    max: n ? sorted[n - 1] : 0,
    count: n,
    total_sum: sum,
    percentiles: Object.fromEntries(PCT_KEYS.map(([k, p]) => [k, n ? rank(sorted, p) : 0])),
    pdf: null,
  };
}

type Status = 'successful' | 'errored' | 'incomplete';

interface Entry {
  status: Status;
  stats: Record<string, unknown>;
  /** Per-request metric values in GuideLLM units (ms, s, tokens). */
  values: Record<string, number | null>;
}

function entry(r: ExampleRequest, status: Status, benchmarkId: string): Entry {
  const start = r.sendS;
  const ok = status !== 'errored';
  // An incomplete request was cancelled after half its chunks.
  const kept = status === 'incomplete' ? Math.ceil(r.chunkTokens.length / 2) : r.chunkTokens.length;
  const first = ok ? start + r.ttftS : null;
  const gaps = r.gapsS.slice(0, Math.max(0, kept - 1));
  const last = first === null ? null : first + gaps.reduce((a, b) => a + b, 0);
  const outTokens = ok ? r.chunkTokens.slice(0, kept).reduce((a, b) => a + b, 0) : 0;
  const end =
    status === 'successful' ? start + r.e2eS : status === 'errored' ? start + 0.003 : null;
  const resolveEnd = end ?? (last ?? start) + 0.0005;
  const requestEnd = end ?? resolveEnd;
  const latency = end === null ? null : end - start;
  const timings = {
    targeted_start: start - 0.0025,
    queued: start - 0.004,
    dequeued: start - 0.003,
    scheduled_at: start - 0.0026,
    resolve_start: start - 0.0001,
    request_start: start,
    first_request_iteration: first,
    first_token_iteration: first,
    first_output_token_iteration: first,
    last_token_iteration: last,
    last_request_iteration: last,
    request_iterations: ok ? kept + 1 : 0,
    token_iterations: ok ? kept : 0,
    request_end: end,
    resolve_end: resolveEnd,
    finalized: resolveEnd + 0.0003,
  };
  const values: Record<string, number | null> = {
    request_latency: latency,
    prompt_token_count: r.promptTokens,
    output_token_count: ok ? outTokens : null,
    time_to_first_token_ms: first === null ? null : 1000 * (first - start),
    time_per_output_token_ms:
      last === null || outTokens === 0 ? null : (1000 * (last - start)) / outTokens,
    inter_token_latency_ms:
      first === null || last === null || outTokens <= 1
        ? null
        : (1000 * (last - first)) / (outTokens - 1),
    request_streaming_iterations_count: ok ? kept + 1 : 0,
  };
  const stats = {
    type_: 'generative_request_stats',
    request_id: `${benchmarkId}-${r.id}`,
    response_id: ok ? `chatcmpl-${r.id}` : null,
    request_args: null,
    output: ok ? 'tok '.repeat(outTokens) : null,
    info: {
      request_id: `${benchmarkId}-${r.id}`,
      conversation_id: null,
      turn_index: 0,
      status:
        status === 'successful' ? 'completed' : status === 'errored' ? 'errored' : 'cancelled',
      scheduler_node_id: 0,
      scheduler_process_id: 0,
      scheduler_start_time: start - 1,
      timings,
      error: status === 'errored' ? (r.error ?? 'error') : null,
      traceback: null,
    },
    input_metrics: { text_tokens: r.promptTokens, total_tokens: r.promptTokens },
    output_metrics: ok
      ? { text_tokens: outTokens, total_tokens: outTokens }
      : { text_tokens: null, total_tokens: null },
    request_start_time: start,
    request_end_time: requestEnd,
    request_latency: latency,
    prompt_tokens: r.promptTokens,
    output_tokens: ok ? outTokens : null,
    total_tokens: r.promptTokens + (ok ? outTokens : 0),
    time_to_first_token_ms: values.time_to_first_token_ms,
    time_per_output_token_ms: values.time_per_output_token_ms,
    inter_token_latency_ms: values.inter_token_latency_ms,
    time_to_first_output_token_ms: values.time_to_first_token_ms,
  };
  return { status, stats, values };
}

/** Metrics computed from every request (before sampling), per status. */
function metrics(entries: Entry[], durationS: number): Record<string, unknown> {
  const by = (s: Status) => entries.filter((e) => e.status === s);
  const sds = (key: string) => {
    const of = (list: Entry[]) =>
      distribution(list.map((e) => e.values[key]).filter((v): v is number => v !== null));
    return {
      successful: of(by('successful')),
      errored: of(by('errored')),
      incomplete: of(by('incomplete')),
      total: of(entries),
    };
  };
  const rate = (count: (list: Entry[]) => number) => {
    const of = (list: Entry[]) => ({
      ...distribution([count(list) / durationS]),
      count: list.length,
    });
    return {
      successful: of(by('successful')),
      errored: of(by('errored')),
      incomplete: of(by('incomplete')),
      total: of(entries),
    };
  };
  const tokens = (list: Entry[], k: string) => list.reduce((a, e) => a + (e.values[k] ?? 0), 0);
  return {
    request_totals: {
      successful: by('successful').length,
      errored: by('errored').length,
      incomplete: by('incomplete').length,
      total: entries.length,
    },
    requests_per_second: rate((l) => l.length),
    request_latency: sds('request_latency'),
    request_streaming_iterations_count: sds('request_streaming_iterations_count'),
    prompt_token_count: sds('prompt_token_count'),
    output_token_count: sds('output_token_count'),
    time_to_first_token_ms: sds('time_to_first_token_ms'),
    time_per_output_token_ms: sds('time_per_output_token_ms'),
    inter_token_latency_ms: sds('inter_token_latency_ms'),
    prompt_tokens_per_second: rate((l) => tokens(l, 'prompt_token_count')),
    output_tokens_per_second: rate((l) => tokens(l, 'output_token_count')),
  };
}

export function guidellmReport(
  run: ExampleRun,
  options: GuidellmWriteOptions = {},
): Record<string, unknown> {
  const n = options.benchmarks ?? 2;
  const per = Math.ceil(run.requests.length / n);
  const benchmarks = [];
  for (let b = 0; b < n; b++) {
    const reqs = run.requests.slice(b * per, (b + 1) * per);
    if (reqs.length === 0) break;
    const id = `bench-${b}`;
    const lastOk = options.incomplete ? reqs.map((r) => r.ok).lastIndexOf(true) : -1;
    const entries = reqs.map((r, i) =>
      entry(r, i === lastOk ? 'incomplete' : r.ok ? 'successful' : 'errored', id),
    );
    const start = reqs[0].sendS;
    const end = Math.max(...reqs.map((r) => r.sendS + r.e2eS));
    const rate = run.requestRate * (b + 1);
    const sample = (s: Status) =>
      entries
        .filter((e) => e.status === s)
        .slice(0, options.sampleSize ?? Infinity)
        .map((e) => e.stats);
    benchmarks.push({
      type_: 'generative_benchmark',
      config: {
        id_: id,
        run_id: 'example-run',
        run_index: b,
        strategy: { type_: 'constant', worker_count: 4, max_concurrency: 1024, rate },
        sample_size: options.sampleSize ?? null,
        backend: { kind: 'openai_http', target: 'http://localhost:8000', model: run.model },
      },
      scheduler_metrics: { requests_made: { total: reqs.length } },
      start_time: start,
      end_time: end,
      duration: end - start,
      warmup_duration: 0,
      cooldown_duration: 0,
      requests: {
        successful: sample('successful'),
        errored: sample('errored'),
        incomplete: sample('incomplete'),
        total: null,
      },
      metrics: metrics(entries, end - start),
    });
  }
  return {
    metadata: {
      version: 2,
      guidellm_version: '0.8.0',
      python_version: '3.12.8',
      platform: 'Linux-x86_64',
    },
    config: { spec: { backend: { kind: 'openai_http', model: run.model } } },
    benchmarks,
  };
}
