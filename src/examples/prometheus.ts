/**
 * @module Writes an ExampleRun as vLLM `/metrics` scrapes (Prometheus text, V1 names and real
 * bucket boundaries, or the V0 name set), several scrapes concatenated with per-line
 * timestamps as a `curl >> file` loop would collect them.
 *
 * Server-side view of each successful request: arrival = send + network; TTFT = queue +
 * prefill (ttftS − networkS); e2e = e2eS − networkS; decode = Σ gaps; inference = prefill +
 * decode; ITL = each chunk gap spread over its tokens (one observation per token); TPOT =
 * decode / (n − 1). A request is counted once its response is complete (send + e2e).
 */

import type { ExampleRequest, ExampleRun } from './workload.js';

/** vLLM's bucket boundaries (seconds), vllm/v1/metrics/loggers.py. */
export const VLLM_BUCKETS = {
  ttft: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40,
    80, 160, 640, 2560,
  ],
  itl: [
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
  ],
  phase: [
    0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
  ],
  iteration: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384],
} as const;

export interface PrometheusWriteOptions {
  /** Scrape times, epoch seconds. Default: the run's midpoint and 1–2 s after the last response. */
  scrapesS?: number[];
  /** Per-line timestamps in ms (needed for more than one scrape). Default true. */
  timestamps?: boolean;
  /** vLLM V0 names: gpu_cache_usage_perc, time_per_output_token_seconds, no engine label. */
  legacy?: boolean;
  /** Also expose deprecated names beside current ones (--show-hidden-metrics-for-version). */
  hidden?: boolean;
  /** `_created` gauges, as prometheus_client writes them beside counters and histograms. */
  created?: boolean;
}

/** Server-side durations of one successful request, in seconds. */
export function serverTimings(r: ExampleRequest) {
  const decode = r.gapsS.reduce((a, b) => a + b, 0);
  return {
    arrivalS: r.sendS + r.networkS,
    finishS: r.sendS + r.e2eS,
    queue: r.queueS,
    ttft: r.ttftS - r.networkS,
    e2e: r.e2eS - r.networkS,
    prefill: r.prefillS,
    decode,
    inference: r.prefillS + decode,
    tpot: r.outputTokens > 1 ? decode / (r.outputTokens - 1) : undefined,
    /** One ITL observation per token after the first. */
    itl: r.gapsS.flatMap((g, i) => {
      const k = r.chunkTokens[i + 1] ?? 1;
      return new Array<number>(k).fill(g / k);
    }),
  };
}

/** Go-style float text as prometheus_client writes it (`1.0`, `0.25`, `+Inf`). */
export function promFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  lines: string[];
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

function histogramLines(
  name: string,
  bounds: readonly number[],
  values: readonly number[],
  labels: Record<string, string>,
  ts: string,
): string[] {
  const lines = [...bounds, Infinity].map((le) => {
    const n = values.filter((v) => v <= le).length;
    return `${name}_bucket${labelText({ le: promFloat(le), ...labels })} ${promFloat(n)}${ts}`;
  });
  lines.push(`${name}_count${labelText(labels)} ${promFloat(values.length)}${ts}`);
  lines.push(
    `${name}_sum${labelText(labels)} ${promFloat(values.reduce((a, b) => a + b, 0))}${ts}`,
  );
  return lines;
}

/** One scrape at `atS` (epoch seconds) of everything finished by then. */
function scrape(run: ExampleRun, atS: number, o: PrometheusWriteOptions): string {
  const ts = (o.timestamps ?? true) ? ` ${Math.round(atS * 1000)}` : '';
  const labels: Record<string, string> = o.legacy
    ? { model_name: run.model }
    : { engine: '0', model_name: run.model };
  const ok = run.requests.filter((r) => r.ok);
  const done = ok.map((r) => ({ r, t: serverTimings(r) })).filter((x) => x.t.finishS <= atS);
  const sum = (f: (r: ExampleRequest) => number) => done.reduce((a, x) => a + f(x.r), 0);
  const live = ok.map(serverTimings).filter((t) => t.arrivalS <= atS && t.finishS > atS);
  const waiting = live.filter((t) => t.arrivalS + t.queue > atS).length;
  const families: Family[] = [];
  const fam = (name: string, help: string, type: Family['type'], lines: string[]) =>
    families.push({ name, help, type, lines });
  const gauge = (name: string, help: string, v: number, extra: Record<string, string> = {}) =>
    fam(name, help, 'gauge', [`${name}${labelText({ ...extra, ...labels })} ${promFloat(v)}${ts}`]);
  const counter = (name: string, help: string, rows: [Record<string, string>, number][]) =>
    fam(
      `${name}_total`,
      help,
      'counter',
      rows.map(([l, v]) => `${name}_total${labelText({ ...l, ...labels })} ${promFloat(v)}${ts}`),
    );
  const hist = (name: string, help: string, bounds: readonly number[], values: number[]) =>
    fam(name, help, 'histogram', histogramLines(name, bounds, values, labels, ts));

  fam('python_info', 'Python platform information', 'gauge', [
    `python_info{implementation="CPython",major="3",minor="12",patchlevel="3",version="3.12.3"} 1.0${ts}`,
  ]);
  fam(
    'process_start_time_seconds',
    'Start time of the process since unix epoch in seconds.',
    'gauge',
    [`process_start_time_seconds ${promFloat(run.startS - 120)}${ts}`],
  );
  gauge(
    'vllm:num_requests_running',
    'Number of requests in model execution batches.',
    live.length - waiting,
  );
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', waiting);
  const kv = Math.min(1, live.length / 64);
  if (o.legacy || o.hidden)
    gauge('vllm:gpu_cache_usage_perc', 'GPU KV-cache usage. 1 means 100 percent usage.', kv);
  if (!o.legacy)
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', kv);
  counter('vllm:num_preemptions', 'Cumulative number of preemption from the engine.', [[{}, 0]]);
  counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', [
    [{}, sum((r) => r.promptTokens)],
  ]);
  counter('vllm:generation_tokens', 'Number of generation tokens processed.', [
    [{}, sum((r) => r.outputTokens)],
  ]);
  const long = done.filter((x) => x.r.outputTokens >= 400).length;
  counter('vllm:request_success', 'Count of successfully processed requests.', [
    [{ finished_reason: 'length' }, long],
    [{ finished_reason: 'stop' }, done.length - long],
  ]);
  if (!o.legacy) {
    counter(
      'vllm:prefix_cache_queries',
      'Prefix cache queries, in terms of number of queried tokens.',
      [[{}, sum((r) => r.promptTokens)]],
    );
    counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', [
      [{}, sum((r) => Math.floor(r.promptTokens / 4))],
    ]);
  }
  const t = done.map((x) => x.t);
  hist(
    'vllm:iteration_tokens_total',
    'Histogram of number of tokens per engine_step.',
    VLLM_BUCKETS.iteration,
    done.map((x) => x.r.promptTokens),
  );
  hist(
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    VLLM_BUCKETS.ttft,
    t.map((x) => x.ttft),
  );
  const itl = t.flatMap((x) => x.itl);
  if (o.legacy || o.hidden)
    hist(
      'vllm:time_per_output_token_seconds',
      'Histogram of time per output token in seconds.',
      VLLM_BUCKETS.itl,
      itl,
    );
  if (!o.legacy) {
    hist(
      'vllm:inter_token_latency_seconds',
      'Histogram of inter-token latency in seconds.',
      VLLM_BUCKETS.itl,
      itl,
    );
    hist(
      'vllm:request_time_per_output_token_seconds',
      'Histogram of time_per_output_token_seconds per request.',
      VLLM_BUCKETS.itl,
      t.flatMap((x) => (x.tpot === undefined ? [] : [x.tpot])),
    );
  }
  hist(
    'vllm:e2e_request_latency_seconds',
    'Histogram of e2e request latency in seconds.',
    VLLM_BUCKETS.phase,
    t.map((x) => x.e2e),
  );
  hist(
    'vllm:request_queue_time_seconds',
    'Histogram of time spent in WAITING phase for request.',
    VLLM_BUCKETS.phase,
    t.map((x) => x.queue),
  );
  hist(
    'vllm:request_prefill_time_seconds',
    'Histogram of time spent in PREFILL phase for request.',
    VLLM_BUCKETS.phase,
    t.map((x) => x.prefill),
  );
  hist(
    'vllm:request_decode_time_seconds',
    'Histogram of time spent in DECODE phase for request.',
    VLLM_BUCKETS.phase,
    t.map((x) => x.decode),
  );
  hist(
    'vllm:request_inference_time_seconds',
    'Histogram of time spent in RUNNING phase for request.',
    VLLM_BUCKETS.phase,
    t.map((x) => x.inference),
  );

  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.lines);
    if (o.created && f.type !== 'gauge') {
      const base = f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
      const l = labelText(labels);
      out.push(
        `# HELP ${base}_created ${f.help}`,
        `# TYPE ${base}_created gauge`,
        `${base}_created${l} ${promFloat(run.startS - 60)}${ts}`,
      );
    }
  }
  return out.join('\n') + '\n';
}

/** The scrapes of a run, concatenated in time order. */
export function vllmMetricsText(run: ExampleRun, options: PrometheusWriteOptions = {}): string {
  const end = Math.max(...run.requests.map((r) => r.sendS + r.e2eS));
  const scrapes = options.scrapesS ?? [run.startS + run.durationS / 2, Math.ceil(end) + 1];
  return scrapes.map((s) => scrape(run, s, options)).join('');
}
