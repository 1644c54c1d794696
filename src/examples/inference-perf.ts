/**
 * @module Writes an ExampleRun as a kubernetes-sigs/inference-perf result folder: per-stage and
 * summary lifecycle reports (computed as reportgen's summarize_requests does, numpy percentiles),
 * Prometheus reports (server-side stand-ins) and `per_request_lifecycle_metrics.json` with
 * `time.perf_counter()` times, token times stamped per chunk and a trailing usage chunk.
 */

import { mean, quantile } from '../base/stats.js';
import type { ExampleRequest, ExampleRun } from './workload.js';

export interface InferencePerfWriteOptions {
  /** Consecutive stages the requests are split into. Default 3. */
  stages?: number;
  /** `epoch` writes wall-clock seconds instead of perf_counter values. */
  origin?: 'perf_counter' | 'epoch';
  /** The older per-request key set: `info.{input_tokens, output_tokens, output_token_times}`. */
  legacyPerRequest?: boolean;
}

/** One request as inference-perf records it (times on the client's clock). */
interface Lifecycle {
  stage: number;
  scheduled: number;
  start: number;
  end: number;
  tokenTimes: number[];
  chunkTimes: number[];
  inputTokens: number;
  outputTokens: number;
  error?: { error_type: string; error_msg: string };
  networkS: number;
}

const PERCENTILES = [0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9];
/** A perf_counter origin: the client host had been up this long when the run began. */
const PERF_COUNTER_AT_START = 4242.5;

function summarize(xs: number[]): Record<string, number> | null {
  if (xs.length === 0) return null;
  const out: Record<string, number> = { mean: mean(xs), min: Math.min(...xs) };
  for (const p of PERCENTILES) out[p === 50 ? 'median' : `p${p}`] = quantile(xs, p / 100);
  out.max = Math.max(...xs);
  return out;
}

function lifecycles(run: ExampleRun, options: InferencePerfWriteOptions): Lifecycle[] {
  const stages = options.stages ?? 3;
  const shift = options.origin === 'epoch' ? 0 : PERF_COUNTER_AT_START - run.startS;
  const per = Math.ceil(run.requests.length / stages);
  return run.requests.map((r: ExampleRequest, i) => {
    const start = r.sendS + shift;
    const scheduled = start - ((i * 7919) % 1000) / 1e6;
    if (!r.ok) {
      return {
        stage: Math.floor(i / per),
        scheduled,
        start,
        end: start + 0.003,
        tokenTimes: [],
        chunkTimes: [],
        inputTokens: r.promptTokens,
        outputTokens: 0,
        error: { error_type: 'HTTP Error 503', error_msg: r.error ?? 'Service Unavailable' },
        networkS: r.networkS,
      };
    }
    const chunkTimes = [start + r.ttftS];
    for (const g of r.gapsS) chunkTimes.push(chunkTimes[chunkTimes.length - 1] + g);
    const tokenTimes = chunkTimes.flatMap((t, k) => new Array<number>(r.chunkTokens[k]).fill(t));
    const end = start + r.e2eS;
    return {
      stage: Math.floor(i / per),
      scheduled,
      start,
      end,
      tokenTimes,
      // The stream ends with a usage chunk (no text) and `[DONE]`.
      chunkTimes: [...chunkTimes, end],
      inputTokens: r.promptTokens,
      outputTokens: r.outputTokens,
      networkS: r.networkS,
    };
  });
}

function lifecycleReport(reqs: Lifecycle[], stageRate?: number): Record<string, unknown> {
  const ok = reqs.filter((r) => !r.error);
  const failed = reqs.filter((r) => r.error);
  const totalTime = Math.max(...reqs.map((r) => r.end)) - Math.min(...reqs.map((r) => r.start));
  const sendDuration =
    Math.max(...reqs.map((r) => r.start)) - Math.min(...reqs.map((r) => r.start));
  const load: Record<string, unknown> = {
    count: reqs.length,
    schedule_delay: summarize(reqs.map((r) => r.start - r.scheduled)),
  };
  if (stageRate !== undefined) {
    load.send_duration = sendDuration;
    load.requested_rate = stageRate;
    load.achieved_rate = reqs.length / sendDuration;
  }
  const streamed = ok.filter((r) => r.tokenTimes.length > 1);
  const itl = streamed.flatMap((r) => r.tokenTimes.slice(1).map((t, k) => t - r.tokenTimes[k]));
  const inTok = ok.reduce((a, r) => a + r.inputTokens, 0);
  const outTok = ok.reduce((a, r) => a + r.outputTokens, 0);
  return {
    load_summary: load,
    successes: {
      count: ok.length,
      latency: {
        request_latency: summarize(ok.map((r) => r.end - r.start)),
        normalized_time_per_output_token: summarize(
          ok.map((r) => (r.outputTokens > 0 ? (r.end - r.start) / r.outputTokens : 0)),
        ),
        time_per_output_token: summarize(
          streamed
            .filter((r) => r.outputTokens > 1)
            .map(
              (r) =>
                (r.tokenTimes[r.tokenTimes.length - 1] - r.tokenTimes[0]) / (r.outputTokens - 1),
            ),
        ),
        time_to_first_token: summarize(streamed.map((r) => r.tokenTimes[0] - r.start)),
        inter_token_latency: summarize(itl),
      },
      throughput: {
        input_tokens_per_sec: inTok / totalTime,
        output_tokens_per_sec: outTok / totalTime,
        total_tokens_per_sec: (inTok + outTok) / totalTime,
        requests_per_sec: ok.length / totalTime,
      },
      prompt_len: summarize(ok.map((r) => r.inputTokens)),
      output_len: summarize(ok.map((r) => r.outputTokens)),
    },
    failures: {
      count: failed.length,
      request_latency: summarize(failed.map((r) => r.end - r.start)),
      prompt_len: summarize(failed.map((r) => r.inputTokens)),
    },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Server-side stand-in: the server sees each request one network hop later. */
function prometheusReport(reqs: Lifecycle[]): Record<string, unknown> {
  const ok = reqs.filter((r) => !r.error && r.tokenTimes.length > 1);
  const window = Math.max(...reqs.map((r) => r.end)) - Math.min(...reqs.map((r) => r.start));
  const hist = (xs: number[]) => ({
    mean: round6(mean(xs)),
    median: round6(quantile(xs, 0.5)),
    p90: round6(quantile(xs, 0.9)),
    p99: round6(quantile(xs, 0.99)),
  });
  const inTok = ok.reduce((a, r) => a + r.inputTokens, 0);
  const outTok = ok.reduce((a, r) => a + r.outputTokens, 0);
  return {
    load_summary: {},
    successes: {
      count: ok.length,
      rate: round6(ok.length / window),
      prompt_len: { mean: Math.round(inTok / ok.length), rate: round6(inTok / window) },
      output_len: { mean: Math.round(outTok / ok.length), rate: round6(outTok / window) },
      queue_len: { mean: 0 },
      request_latency: hist(ok.map((r) => r.end - r.start - 2 * r.networkS)),
      time_to_first_token: hist(ok.map((r) => r.tokenTimes[0] - r.start - r.networkS)),
      time_per_output_token: hist(
        ok.map(
          (r) => (r.tokenTimes[r.tokenTimes.length - 1] - r.tokenTimes[0]) / (r.outputTokens - 1),
        ),
      ),
      kv_cache_usage_percentage: { mean: 0.12, median: 0.11, p90: 0.2, p99: 0.31 },
      num_requests_swapped: { mean: 0 },
      num_preemptions_total: { mean: 0 },
      prefix_cache_hit_percent: { mean: 0.0 },
    },
    failures: {},
  };
}

function perRequestEntry(r: Lifecycle, i: number, legacy: boolean): Record<string, unknown> {
  const text = r.error ? '' : 'tok '.repeat(r.outputTokens);
  const body = JSON.stringify({ model: 'm', prompt: `prompt ${i}`, max_tokens: 256, stream: true });
  const chunks = r.chunkTimes.map((_, k) =>
    k === r.chunkTimes.length - 1
      ? 'data: [DONE]'
      : `data: {"choices":[{"index":0,"text":"tok"}],"chunk":${k}}`,
  );
  const info = legacy
    ? {
        input_tokens: r.inputTokens,
        output_tokens: r.outputTokens,
        output_token_times: r.tokenTimes,
      }
    : {
        input_tokens: r.inputTokens,
        response_metrics: {
          output_tokens: r.outputTokens,
          response_chunks: chunks,
          chunk_times: r.chunkTimes,
          output_token_times: r.tokenTimes,
        },
      };
  return {
    start_time: r.start,
    end_time: r.end,
    request: body,
    response: text,
    info,
    error: r.error ?? null,
  };
}

/** Every report file of the run, keyed by the file name inference-perf gives it. */
export function inferencePerfReports(
  run: ExampleRun,
  options: InferencePerfWriteOptions = {},
): Record<string, unknown> {
  const all = lifecycles(run, options);
  const out: Record<string, unknown> = {};
  const stages = [...new Set(all.map((r) => r.stage))].sort((a, b) => a - b);
  for (const s of stages) {
    const reqs = all.filter((r) => r.stage === s);
    out[`stage_${s}_lifecycle_metrics.json`] = lifecycleReport(reqs, run.requestRate * (s + 1));
    out[`stage_${s}_prometheus_metrics.json`] = prometheusReport(reqs);
  }
  out['summary_lifecycle_metrics.json'] = lifecycleReport(all);
  out['summary_prometheus_metrics.json'] = prometheusReport(all);
  out['per_request_lifecycle_metrics.json'] = all.map((r, i) =>
    perRequestEntry(r, i, options.legacyPerRequest ?? false),
  );
  return out;
}
