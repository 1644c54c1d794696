/**
 * @module Writes an ExampleRun as AIPerf artifacts: the per-request `profile_export.jsonl`
 * (pydantic's compact JSON, epoch-ns metadata, metrics in display units) and the aggregate
 * `profile_export_aiperf.json`.
 */

import { createRng } from '../base/random.js';
import { Time } from '../base/units.js';
import { chunkTimesNs, toolStats } from './genai-perf.js';
import { dumpJson } from './json-text.js';
import type { ExampleRequest, ExampleRun } from './workload.js';

export interface AiperfWriteOptions {
  /** Every Nth successful request is cancelled by the client (`--request-cancellation-rate`). */
  cancelEvery?: number;
  /** The autumn-2025 tags: `ttft`, and `inter_chunk_latency` as the mean gap, not a list. */
  legacy?: boolean;
}

const ns = (s: number) => BigInt(Math.round(s * 1e9));
const ms = (n: bigint | number) => Number(n) / 1e6;

function ids(seed: number) {
  const rng = createRng(seed);
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(rng.next() * 16).toString(16)).join('');
  return {
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    hex,
  };
}

/** Whether request `i` is cancelled under the options. */
export function aiperfCancelled(r: ExampleRequest, i: number, o: AiperfWriteOptions): boolean {
  return r.ok && (o.cancelEvery ?? 0) > 0 && i % o.cancelEvery! === 0;
}

function metricsOf(r: ExampleRequest, o: AiperfWriteOptions) {
  const send = Time.fromSeconds(r.sendS);
  const times = chunkTimesNs(r);
  const ttft = times[0] - send;
  const latency = ns(r.e2eS);
  const gaps = times.slice(1).map((t, k) => t - times[k]);
  const m: Record<string, { value: unknown; unit: string }> = {
    input_sequence_length: { value: r.promptTokens, unit: 'tokens' },
    [o.legacy ? 'ttft' : 'time_to_first_token']: { value: ms(ttft), unit: 'ms' },
  };
  if (gaps.length) m.time_to_second_token = { value: ms(gaps[0]), unit: 'ms' };
  m.request_latency = { value: ms(latency), unit: 'ms' };
  m.output_token_count = { value: r.outputTokens, unit: 'tokens' };
  m.output_sequence_length = { value: r.outputTokens, unit: 'tokens' };
  if (r.outputTokens > 1) {
    const itl = Number(latency - ttft) / (r.outputTokens - 1);
    m.inter_token_latency = { value: itl / 1e6, unit: 'ms' };
    m.output_token_throughput_per_user = { value: 1e9 / itl, unit: 'tokens/sec/user' };
  }
  if (gaps.length) {
    m.inter_chunk_latency = o.legacy
      ? { value: ms(gaps.reduce((a, b) => a + b, 0n)) / gaps.length, unit: 'ms' }
      : { value: gaps.map(ms), unit: 'ms' };
  }
  return m;
}

/** The `profile_export.jsonl` text: one record per request, in send order. */
export function aiperfProfileExportJsonl(
  run: ExampleRun,
  options: AiperfWriteOptions = {},
): string {
  const id = ids(run.seed + 101);
  const workers = Array.from({ length: 4 }, () => `worker_${id.hex(8)}`);
  const processors = Array.from({ length: 2 }, () => `record_processor_${id.hex(8)}`);
  const lines = run.requests.map((r, i) => {
    const send = Time.fromSeconds(r.sendS);
    const cancelled = aiperfCancelled(r, i, options);
    const failed = !r.ok || cancelled;
    const cancelAt = send + ns(r.ttftS / 2);
    const metadata = {
      session_num: i,
      x_request_id: id.uuid(),
      x_correlation_id: id.uuid(),
      conversation_id: id.uuid(),
      turn_index: 0,
      request_start_ns: send,
      request_ack_ns: failed ? null : send + ns(r.networkS * 2),
      request_end_ns: cancelled ? cancelAt : r.ok ? send + ns(r.e2eS) : send + ns(0.002),
      worker_id: workers[i % workers.length],
      record_processor_id: processors[i % processors.length],
      benchmark_phase: 'profiling',
      was_cancelled: cancelled,
      cancellation_time_ns: cancelled ? cancelAt : null,
    };
    const error = cancelled
      ? {
          code: 499,
          type: 'RequestCancellationError',
          message: 'Request was cancelled after 0.000 seconds',
        }
      : r.ok
        ? null
        : { code: 503, type: 'ServiceUnavailable', message: r.error };
    const metrics = failed
      ? { error_isl: { value: r.promptTokens, unit: 'tokens' } }
      : metricsOf(r, options);
    return dumpJson({ metadata, metrics, error }, 'compact');
  });
  return lines.join('\n') + '\n';
}

/** The aggregate `profile_export_aiperf.json` text over the valid (successful) records. */
export function aiperfSummaryJson(run: ExampleRun, options: AiperfWriteOptions = {}): string {
  const valid = run.requests.filter((r, i) => r.ok && !aiperfCancelled(r, i, options));
  const errors = run.requests.length - valid.length;
  const m = valid.map((r) => metricsOf(r, {}));
  const col = (tag: string) =>
    m.flatMap((x) =>
      x[tag] ? (Array.isArray(x[tag].value) ? x[tag].value : [x[tag].value]) : [],
    ) as number[];
  const start = run.requests.reduce((a, r) => Math.min(a, r.sendS), Infinity);
  const end = valid.reduce((a, r) => Math.max(a, r.sendS + r.e2eS), 0);
  const duration = end - start;
  const osl = col('output_sequence_length');
  const doc: Record<string, unknown> = {
    request_throughput: { unit: 'requests/sec', avg: valid.length / duration },
    request_latency: toolStats(col('request_latency'), 'ms'),
    time_to_first_token: toolStats(col('time_to_first_token'), 'ms'),
    time_to_second_token: toolStats(col('time_to_second_token'), 'ms'),
    inter_token_latency: toolStats(col('inter_token_latency'), 'ms'),
    inter_chunk_latency: toolStats(col('inter_chunk_latency'), 'ms'),
    output_token_throughput_per_user: toolStats(
      col('output_token_throughput_per_user'),
      'tokens/sec/user',
    ),
    output_sequence_length: toolStats(osl, 'tokens'),
    input_sequence_length: toolStats(col('input_sequence_length'), 'tokens'),
    output_token_throughput: { unit: 'tokens/sec', avg: osl.reduce((a, b) => a + b, 0) / duration },
    benchmark_duration: { unit: 'sec', avg: duration },
    request_count: { unit: 'requests', avg: valid.length },
    error_request_count: errors ? { unit: 'requests', avg: errors } : null,
    total_isl: { unit: 'tokens', avg: col('input_sequence_length').reduce((a, b) => a + b, 0) },
    total_osl: { unit: 'tokens', avg: osl.reduce((a, b) => a + b, 0) },
    was_cancelled: false,
    error_summary: errors
      ? [
          {
            error_details: {
              code: 503,
              type: 'ServiceUnavailable',
              message: 'HTTP 503: Service Unavailable',
            },
            count: errors,
          },
        ]
      : [],
    start_time: new Date(start * 1000).toISOString().slice(0, -1),
    end_time: new Date(end * 1000).toISOString().slice(0, -1),
    input_config: {
      endpoint: { model_names: [run.model], type: 'chat', streaming: true, url: 'localhost:8000' },
      loadgen: { request_rate: run.requestRate, request_count: run.requests.length },
      cli_command: `aiperf profile -m "${run.model}" --url "localhost:8000" --streaming --endpoint-type "chat" --request-rate ${run.requestRate} --request-count ${run.requests.length}`,
    },
  };
  return JSON.stringify(doc, null, 2);
}
