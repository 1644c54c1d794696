/**
 * @module Writes an ExampleRun as GenAI-Perf artifacts: the raw `profile_export.json` that
 * perf_analyzer writes (epoch-ns timestamps, each response's SSE text as received) and the
 * aggregate `profile_export_genai_perf.json`, with statistics computed as GenAI-Perf does.
 */

import { mean, quantile } from '../base/stats.js';
import { Time } from '../base/units.js';
import { dumpJson, populationStd } from './json-text.js';
import type { ExampleRequest, ExampleRun } from './workload.js';

export interface GenaiPerfWriteOptions {
  /** `openai` (SSE text responses, the default) or `triton` (`text_output` tensors). */
  serviceKind?: 'openai' | 'triton';
  /** Load levels; requests are split into consecutive equal slices, one per experiment. */
  experiments?: { mode: 'concurrency' | 'request_rate'; value: number }[];
  /** A final `usage` chunk (`stream_options.include_usage`). Default true. */
  usage?: boolean;
  /** Cumulative `usage` in every chunk (vLLM continuous usage stats). Default false. */
  continuousUsage?: boolean;
  /** Every Nth request receives its 2nd and 3rd content events in one response. 0 = never. */
  mergeEvery?: number;
}

const TOKEN = ' tok';
const ns = (s: number) => BigInt(Math.round(s * 1e9));

/** Content chunk arrival times of a successful request, in epoch ns. */
export function chunkTimesNs(r: ExampleRequest): bigint[] {
  const times = [Time.fromSeconds(r.sendS) + ns(r.ttftS)];
  for (const g of r.gapsS) times.push(times[times.length - 1] + ns(g));
  return times;
}

function sse(data: unknown): string {
  return `data: ${dumpJson(data, 'compact')}\n\n`;
}

function openaiRequest(r: ExampleRequest, i: number, run: ExampleRun, o: GenaiPerfWriteOptions) {
  const send = Time.fromSeconds(r.sendS);
  const payload = {
    messages: [{ role: 'user', content: 'hi '.repeat(r.promptTokens).trim() }],
    model: run.model,
    stream: true,
    max_tokens: r.outputTokens || 16,
    ...(o.usage === false ? {} : { stream_options: { include_usage: true } }),
  };
  const base = {
    id: `chatcmpl-${i}`,
    object: 'chat.completion.chunk',
    created: Math.floor(r.sendS),
    model: run.model,
  };
  const ts: bigint[] = [];
  const out: { response: string }[] = [];
  if (!r.ok) {
    ts.push(send + ns(0.002));
    const error = {
      object: 'error',
      message: r.error,
      type: 'ServiceUnavailableError',
      param: null,
      code: 503,
    };
    out.push({ response: dumpJson(error, 'compact') });
    return {
      timestamp: send,
      request_inputs: { payload: dumpJson(payload, 'compact') },
      response_timestamps: ts,
      response_outputs: out,
    };
  }
  const usage = (done: number) => ({
    prompt_tokens: r.promptTokens,
    total_tokens: r.promptTokens + done,
    completion_tokens: done,
  });
  const times = chunkTimesNs(r);
  ts.push(send + ns(r.networkS + r.queueS));
  out.push({
    response: sse({
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
      ],
    }),
  });
  let done = 0;
  const merge = (o.mergeEvery ?? 0) > 0 && i % o.mergeEvery! === 0 && times.length >= 3;
  times.forEach((t, k) => {
    done += r.chunkTokens[k];
    const event = sse({
      ...base,
      choices: [
        {
          index: 0,
          delta: { content: TOKEN.repeat(r.chunkTokens[k]) },
          logprobs: null,
          finish_reason: null,
        },
      ],
      ...(o.continuousUsage ? { usage: usage(done) } : {}),
    });
    // perf_analyzer sometimes reads two SSE events in one response: they share its timestamp.
    if (merge && k === 2) out[out.length - 1].response += event;
    else out.push({ response: event });
    if (merge && k === 2) ts[ts.length - 1] = t;
    else ts.push(t);
  });
  const end = send + ns(r.e2eS);
  ts.push(end - 100_000n);
  out.push({
    response: sse({
      ...base,
      choices: [
        {
          index: 0,
          delta: { content: '' },
          logprobs: null,
          finish_reason: 'length',
          stop_reason: null,
        },
      ],
    }),
  });
  if (o.usage !== false) {
    ts.push(end);
    out.push({ response: sse({ ...base, choices: [], usage: usage(r.outputTokens) }) });
  }
  ts.push(end);
  out.push({ response: 'data: [DONE]\n\n' });
  return {
    timestamp: send,
    request_inputs: { payload: dumpJson(payload, 'compact') },
    response_timestamps: ts,
    response_outputs: out,
  };
}

function tritonRequest(r: ExampleRequest) {
  const times = r.ok ? chunkTimesNs(r) : [];
  return {
    timestamp: Time.fromSeconds(r.sendS),
    request_inputs: {
      text_input: 'hi '.repeat(r.promptTokens).trim(),
      max_tokens: r.outputTokens || 16,
      stream: true,
    },
    response_timestamps: times,
    response_outputs: times.map((_, k) => ({ text_output: TOKEN.repeat(r.chunkTokens[k]) })),
  };
}

/** The raw `profile_export.json` text (compact, exact 64-bit integers, as rapidjson writes it). */
export function genaiPerfProfileExport(
  run: ExampleRun,
  options: GenaiPerfWriteOptions = {},
): string {
  const levels = options.experiments ?? [{ mode: 'request_rate', value: run.requestRate }];
  const per = Math.ceil(run.requests.length / levels.length);
  const experiments = levels.map((experiment, e) => {
    const reqs = run.requests.slice(e * per, (e + 1) * per);
    const requests = reqs.map((r, j) =>
      options.serviceKind === 'triton'
        ? tritonRequest(r)
        : openaiRequest(r, e * per + j, run, options),
    );
    const ends = requests.flatMap((q) => q.response_timestamps.slice(-1));
    const first = requests[0].timestamp;
    const last = ends.reduce((a, b) => (b > a ? b : a), first);
    return { experiment, requests, window_boundaries: [first, (first + last) / 2n, last] };
  });
  const kind = options.serviceKind ?? 'openai';
  return dumpJson(
    {
      experiments,
      version: '2.54.0',
      service_kind: kind,
      endpoint: kind === 'openai' ? 'v1/chat/completions' : '',
    },
    'compact',
  );
}

/** GenAI-Perf's statistics object for values in `unit`. */
export function toolStats(values: number[], unit: string): Record<string, unknown> {
  const out: Record<string, unknown> = { unit, avg: mean(values) };
  for (const p of [1, 5, 10, 25, 50, 75, 90, 95, 99]) out[`p${p}`] = quantile(values, p / 100);
  out.min = Math.min(...values);
  out.max = Math.max(...values);
  out.std = populationStd(values);
  return out;
}

/** Per-request figures as GenAI-Perf computes them (latency ends at the last content chunk). */
export function genaiPerfRequestMetrics(run: ExampleRun) {
  const ok = run.requests.filter((r) => r.ok);
  const rows = ok.map((r) => {
    const times = chunkTimesNs(r);
    const send = Time.fromSeconds(r.sendS);
    const latencyNs = Number(times[times.length - 1] - send);
    const ttftNs = Number(times[0] - send);
    return {
      send,
      last: times[times.length - 1],
      latencyMs: latencyNs / 1e6,
      ttftMs: ttftNs / 1e6,
      ttstMs: times.length > 1 ? Number(times[1] - times[0]) / 1e6 : undefined,
      itlMs:
        r.outputTokens > 1
          ? Math.round((latencyNs - ttftNs) / (r.outputTokens - 1)) / 1e6
          : undefined,
      osl: r.outputTokens,
      isl: r.promptTokens,
    };
  });
  const start = rows.reduce((a, x) => (x.send < a ? x.send : a), rows[0].send);
  const end = rows.reduce((a, x) => (x.last > a ? x.last : a), rows[0].last);
  return { rows, durationS: Number(end - start) / 1e9 };
}

/** The aggregate `profile_export_genai_perf.json` text (json.dump with indent=2). */
export function genaiPerfSummaryJson(run: ExampleRun): string {
  const { rows, durationS } = genaiPerfRequestMetrics(run);
  const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  const osl = rows.map((x) => x.osl);
  const doc = {
    request_throughput: { unit: 'requests/sec', avg: run.requests.length / durationS },
    request_latency: toolStats(
      rows.map((x) => x.latencyMs),
      'ms',
    ),
    time_to_first_token: toolStats(
      rows.map((x) => x.ttftMs),
      'ms',
    ),
    time_to_second_token: toolStats(defined(rows.map((x) => x.ttstMs)), 'ms'),
    inter_token_latency: toolStats(defined(rows.map((x) => x.itlMs)), 'ms'),
    output_token_throughput: {
      unit: 'tokens/sec',
      avg: osl.reduce((a, b) => a + b, 0) / durationS,
    },
    output_token_throughput_per_user: toolStats(
      defined(rows.map((x) => (x.itlMs ? 1000 / x.itlMs : undefined))),
      'tokens/sec/user',
    ),
    output_sequence_length: toolStats(osl, 'tokens'),
    input_sequence_length: toolStats(
      rows.map((x) => x.isl),
      'tokens',
    ),
    input_config: {
      model: [run.model],
      backend: 'tensorrtllm',
      endpoint: null,
      endpoint_type: 'chat',
      service_kind: 'openai',
      streaming: true,
      url: 'localhost:8000',
      concurrency: null,
      request_rate: run.requestRate,
      num_prompts: run.requests.length,
      tokenizer: run.model,
      profile_export_file: 'artifacts/example-openai-chat-request_rate4/profile_export.json',
      artifact_dir: 'artifacts/example-openai-chat-request_rate4',
      extra_inputs: { stream_options: { include_usage: true } },
    },
  };
  return JSON.stringify(doc, null, 2);
}
