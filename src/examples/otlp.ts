/**
 * @module Writes an ExampleRun as OTLP/JSON: vLLM `llm_request` server spans with the exact
 * attribute names of vllm/tracing.py (one ExportTraceServiceRequest, or JSON lines of them as
 * the collector's file exporter writes), and OTel GenAI server histograms as an
 * ExportMetricsServiceRequest. Server timings follow examples/prometheus.ts (serverTimings).
 */

import { serverTimings } from './prometheus.js';
import type { ExampleRequest, ExampleRun } from './workload.js';

export interface OtlpTraceWriteOptions {
  /** Usage attribute names: vLLM's (`prompt_tokens`, deprecated) or current semconv. */
  usage?: 'vllm' | 'semconv';
  /** 64-bit integers as JSON numbers instead of decimal strings (both are valid). */
  numbers?: boolean;
  /** Add the HTTP server span (not an LLM span) that wraps each request. Default true. */
  httpSpans?: boolean;
}

type Json = Record<string, unknown>;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Epoch ns of `sendS + offsetS`, exact for the µs-rounded send times of the workload. */
function ns(sendS: number, offsetS: number): bigint {
  return BigInt(Math.round(sendS * 1e6)) * 1000n + BigInt(Math.round(offsetS * 1e9));
}

function attr(
  key: string,
  v: string | number | boolean | string[],
  o: OtlpTraceWriteOptions,
): Json {
  if (Array.isArray(v))
    return { key, value: { arrayValue: { values: v.map((s) => ({ stringValue: s })) } } };
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  if (Number.isInteger(v) && !key.startsWith('gen_ai.latency.'))
    return { key, value: { intValue: o.numbers ? v : String(v) } };
  return { key, value: { doubleValue: v } };
}

const u64 = (v: bigint, o: OtlpTraceWriteOptions) => (o.numbers ? Number(v) : v.toString());

function spansOf(
  run: ExampleRun,
  r: ExampleRequest,
  index: number,
  o: OtlpTraceWriteOptions,
): Json[] {
  const traceId = hex(run.seed, 16) + hex(index + 1, 16);
  const llmId = hex(2 * index + 2, 16);
  const httpId = hex(2 * index + 1, 16);
  const arrival = ns(r.sendS, r.networkS);
  const t = serverTimings(r);
  const finish = r.ok ? arrival + BigInt(Math.round(t.e2e * 1e9)) : arrival + 2_000_000n;
  const a: Json[] = [
    attr('gen_ai.request.id', `cmpl-${r.id}`, o),
    attr('gen_ai.response.model', run.model, o),
    attr('gen_ai.request.max_tokens', 512, o),
    attr('gen_ai.request.temperature', 0.7, o),
    attr('gen_ai.request.top_p', 0.95, o),
    attr('gen_ai.request.n', 1, o),
  ];
  if (o.usage === 'semconv') {
    a.push(attr('gen_ai.usage.input_tokens', r.promptTokens, o));
    if (r.ok) a.push(attr('gen_ai.usage.output_tokens', r.outputTokens, o));
    a.push(attr('gen_ai.usage.cache_read.input_tokens', Math.floor(r.promptTokens / 4), o));
  } else {
    a.push(attr('gen_ai.usage.prompt_tokens', r.promptTokens, o));
    if (r.ok) a.push(attr('gen_ai.usage.completion_tokens', r.outputTokens, o));
  }
  if (r.ok) {
    a.push(
      attr('gen_ai.response.finish_reasons', [r.outputTokens >= 400 ? 'length' : 'stop'], o),
      attr('gen_ai.latency.time_in_queue', t.queue, o),
      attr('gen_ai.latency.time_to_first_token', t.ttft, o),
      attr('gen_ai.latency.e2e', t.e2e, o),
      attr('gen_ai.latency.time_in_model_prefill', t.prefill, o),
      attr('gen_ai.latency.time_in_model_decode', t.decode, o),
      attr('gen_ai.latency.time_in_model_inference', t.inference, o),
    );
  } else {
    a.push(attr('error.type', '503', o));
  }
  const llm: Json = {
    traceId,
    spanId: llmId,
    name: 'llm_request',
    kind: 2,
    startTimeUnixNano: u64(arrival, o),
    endTimeUnixNano: u64(finish, o),
    attributes: a,
    status: r.ok ? {} : { code: 2, message: r.error },
  };
  if (o.httpSpans === false) return [llm];
  llm.parentSpanId = httpId;
  const http: Json = {
    traceId,
    spanId: httpId,
    name: 'POST /v1/completions',
    kind: 2,
    startTimeUnixNano: u64(arrival - 100_000n, o),
    endTimeUnixNano: u64(finish + 100_000n, o),
    attributes: [
      attr('http.request.method', 'POST', o),
      attr('url.path', '/v1/completions', o),
      attr('http.response.status_code', r.ok ? 200 : 503, o),
    ],
  };
  return [http, llm];
}

function traceRequest(run: ExampleRun, from: number, to: number, o: OtlpTraceWriteOptions): Json {
  const spans = run.requests.slice(from, to).flatMap((r, i) => spansOf(run, r, from + i, o));
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'vllm', o)] },
        scopeSpans: [{ scope: { name: 'vllm.llm_engine', version: '0.11.0' }, spans }],
      },
    ],
  };
}

/** All requests as one ExportTraceServiceRequest. */
export function otlpTraceJson(run: ExampleRun, options: OtlpTraceWriteOptions = {}): Json {
  return traceRequest(run, 0, run.requests.length, options);
}

/** JSON lines, one ExportTraceServiceRequest per `perLine` requests (collector file exporter). */
export function otlpTraceJsonl(
  run: ExampleRun,
  options: OtlpTraceWriteOptions & { perLine?: number } = {},
): string {
  const per = options.perLine ?? 25;
  const lines: string[] = [];
  for (let i = 0; i < run.requests.length; i += per)
    lines.push(JSON.stringify(traceRequest(run, i, i + per, options)));
  return lines.join('\n') + '\n';
}

/** Semantic-convention bucket boundaries (seconds). */
export const GENAI_BOUNDS = {
  ttft: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  duration: [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
  ],
};

export interface OtlpMetricsWriteOptions {
  /** Point times, epoch seconds. Default: the run's midpoint and 1–2 s after the last response. */
  pointsS?: number[];
  /** DELTA temporality (each point holds only its interval) instead of CUMULATIVE. */
  delta?: boolean;
}

/** `gen_ai.server.time_to_first_token` and `gen_ai.server.request.duration` histograms. */
export function otlpMetricsJson(run: ExampleRun, options: OtlpMetricsWriteOptions = {}): Json {
  const lastFinish = Math.max(...run.requests.map((r) => r.sendS + r.e2eS));
  const times = options.pointsS ?? [run.startS + run.durationS / 2, Math.ceil(lastFinish) + 1];
  const ok = run.requests.filter((r) => r.ok).map((r) => serverTimings(r));
  const attrs = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.request.model', value: { stringValue: run.model } },
  ];
  const histogram = (pick: (t: ReturnType<typeof serverTimings>) => number, bounds: number[]) => ({
    aggregationTemporality: options.delta ? 1 : 2,
    dataPoints: times.map((at, i) => {
      const from = options.delta && i > 0 ? times[i - 1] : -Infinity;
      const xs = ok.filter((t) => t.finishS > from && t.finishS <= at).map(pick);
      const counts = [...bounds, Infinity].map(
        (le, j) => xs.filter((x) => x <= le && (j === 0 || x > bounds[j - 1])).length,
      );
      return {
        attributes: attrs,
        startTimeUnixNano: ns(options.delta && i > 0 ? times[i - 1] : run.startS, 0).toString(),
        timeUnixNano: ns(at, 0).toString(),
        count: String(xs.length),
        sum: xs.reduce((a, b) => a + b, 0),
        bucketCounts: counts.map(String),
        explicitBounds: bounds,
      };
    }),
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'vllm' } }] },
        scopeMetrics: [
          {
            scope: { name: 'vllm' },
            metrics: [
              {
                name: 'gen_ai.server.time_to_first_token',
                unit: 's',
                histogram: histogram((t) => t.ttft, GENAI_BOUNDS.ttft),
              },
              {
                name: 'gen_ai.server.request.duration',
                unit: 's',
                histogram: histogram((t) => t.e2e, GENAI_BOUNDS.duration),
              },
            ],
          },
        ],
      },
    ],
  };
}
