/**
 * @module AIPerf's per-request `profile_export.jsonl`: one record per request with `metadata`
 * (ids, epoch-ns start/end, worker, phase, cancellation), `metrics` (`{tag: {value, unit}}`:
 * TTFT, request latency, the inter-chunk gaps, sequence lengths, ...) and `error`. Streamed.
 */

import { z } from 'zod';
import type { Emitted } from '../../schema/records.js';
import { nsInt, pyNumber } from '../exact-json.js';
import { readJsonLines, validateInput } from '../read.js';
import type { RecordSink, SourceFormat } from '../source.js';

const FORMAT = 'aiperf';

const MetricValue = z.looseObject({
  value: z.union([pyNumber, z.array(pyNumber), z.string(), z.null()]),
  unit: z.string().nullable().optional(),
});
type MetricValue = z.infer<typeof MetricValue>;

const AiperfRecord = z.looseObject({
  metadata: z.looseObject({
    session_num: z.number().int().nullable().optional(),
    x_request_id: z.string().nullable().optional(),
    x_correlation_id: z.string().nullable().optional(),
    conversation_id: z.string().nullable().optional(),
    turn_index: z.number().int().nullable().optional(),
    request_start_ns: nsInt,
    request_ack_ns: nsInt.nullable().optional(),
    request_end_ns: nsInt.nullable().optional(),
    worker_id: z.string().nullable().optional(),
    record_processor_id: z.string().nullable().optional(),
    benchmark_phase: z.string().nullable().optional(),
    was_cancelled: z.boolean().nullable().optional(),
    cancellation_time_ns: nsInt.nullable().optional(),
  }),
  metrics: z.record(z.string(), MetricValue).nullable().optional(),
  // `{code, type, message}`; some docs show `{error_code, error_type, error_message}`.
  error: z
    .looseObject({
      code: z.union([z.number(), z.string()]).nullable().optional(),
      type: z.string().nullable().optional(),
      message: z.string().nullable().optional(),
      error_code: z.union([z.number(), z.string()]).nullable().optional(),
      error_type: z.string().nullable().optional(),
      error_message: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});
type AiperfRecord = z.infer<typeof AiperfRecord>;

/** Metrics that become request fields; every other metric is kept in `attributes`. */
const CONSUMED = new Set([
  'time_to_first_token',
  'ttft',
  'inter_chunk_latency',
  'request_latency',
  'input_sequence_length',
  'error_isl',
  'output_sequence_length',
]);
const NS_PER: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, sec: 1e9 };

/** A duration metric in integer ns (exact for values that were ns before the tool divided). */
function durationNs(m: MetricValue | undefined, value = m?.value): bigint | undefined {
  const scale = NS_PER[m?.unit ?? 'ms'];
  if (typeof value !== 'number' || !Number.isFinite(value) || scale === undefined) return undefined;
  return BigInt(Math.round(value * scale));
}

function count(m: MetricValue | undefined): number | undefined {
  const v = m?.value;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

export const aiperf: SourceFormat = {
  name: FORMAT,
  title: 'AIPerf per-request `profile_export.jsonl`',
  recognizes:
    'JSON lines of `{"metadata": {"x_request_id", "request_start_ns", ...}, "metrics": {tag: {value, unit}}, "error"}`',
  extensions: ['.jsonl'],
  sniff(p) {
    if (p.ext !== '.jsonl' || !p.head.trimStart().startsWith('{')) return 0;
    const h = p.head;
    if (!/"metadata"\s*:\s*\{/.test(h) || !/"request_start_ns"\s*:/.test(h)) return 0;
    let score = 0.6;
    if (/"metrics"\s*:/.test(h)) score += 0.2;
    if (/"(x_request_id|benchmark_phase|record_processor_id)"\s*:/.test(h)) score += 0.15;
    return score;
  },
  async read(path, sink, options) {
    const runs = new Map<string, { start: bigint; end: bigint; n: number }>();
    for await (const { value, line } of readJsonLines(path, FORMAT, options.onProgress, {
      exact: true,
    })) {
      const rec = validateInput(AiperfRecord, value, { file: path, format: FORMAT, at: { line } });
      const r = emitRecord(rec, line, sink);
      const span = runs.get(r.run_id!);
      const end = r.t_end_ns ?? r.t_last_token_ns ?? r.t_client_send_ns!;
      if (!span) runs.set(r.run_id!, { start: r.t_client_send_ns!, end, n: 1 });
      else {
        if (r.t_client_send_ns! < span.start) span.start = r.t_client_send_ns!;
        if (end > span.end) span.end = end;
        span.n++;
      }
    }
    for (const [runId, span] of runs) {
      sink.emit('run', {
        run_id: runId,
        tool: FORMAT,
        name: runId,
        clock: 'epoch',
        t_start_ns: span.start,
        t_end_ns: span.end,
        // AIPerf's benchmark duration: first request start → last response.
        duration_s: Number(span.end - span.start) / 1e9,
        config: { benchmark_phase: runId, records: span.n },
      });
    }
  },
};

function emitRecord(rec: AiperfRecord, line: number, sink: RecordSink): Emitted<'request'> {
  const md = rec.metadata;
  const metrics = rec.metrics ?? {};
  const start = md.request_start_ns;
  const runId = md.benchmark_phase ?? 'profiling';
  const ttft = durationNs(metrics.time_to_first_token ?? metrics.ttft);
  const icl = metrics.inter_chunk_latency;
  const gaps = Array.isArray(icl?.value) ? icl.value.map((v) => durationNs(icl, v)) : undefined;
  const first = ttft === undefined ? undefined : start + ttft;
  const chunkTimes: bigint[] = [];
  if (first !== undefined) {
    chunkTimes.push(first);
    for (const g of gaps ?? []) {
      if (g === undefined) break;
      chunkTimes.push(chunkTimes[chunkTimes.length - 1] + g);
    }
  }
  const streamed = gaps !== undefined && chunkTimes.length === gaps.length + 1;
  const latency = durationNs(metrics.request_latency);
  const outputTokens = count(metrics.output_sequence_length) ?? count(metrics.output_token_count);
  const err = rec.error;
  const errorCode = err ? (err.code ?? err.error_code ?? undefined) : undefined;
  const attributes: Record<string, unknown> = {
    conversation_id: md.conversation_id ?? undefined,
    turn_index: md.turn_index ?? undefined,
    session_num: md.session_num ?? undefined,
    worker_id: md.worker_id ?? undefined,
    request_ack_ns: md.request_ack_ns ?? undefined,
    cancellation_time_ns: md.cancellation_time_ns ?? undefined,
    error_code: errorCode ?? undefined,
  };
  for (const [tag, m] of Object.entries(metrics)) {
    if (!CONSUMED.has(tag) && !Array.isArray(m.value)) attributes[tag] = m.value;
  }
  if (icl && !Array.isArray(icl.value)) attributes.inter_chunk_latency = icl.value;
  const requestId = md.x_request_id ?? `line-${line}`;
  const record: Emitted<'request'> = {
    request_id: requestId,
    run_id: runId,
    session_id: md.x_correlation_id ?? undefined,
    vantage: 'client',
    clock: 'epoch',
    status: md.was_cancelled ? 'aborted' : err ? 'error' : 'ok',
    t_client_send_ns: start,
    t_first_token_ns: first,
    t_last_token_ns: streamed ? chunkTimes[chunkTimes.length - 1] : undefined,
    t_end_ns: latency !== undefined ? start + latency : (md.request_end_ns ?? undefined),
    prompt_tokens: count(metrics.input_sequence_length) ?? count(metrics.error_isl),
    output_tokens: outputTokens,
    chunks: streamed ? chunkTimes.length : undefined,
    error_type: err
      ? (err.type ?? err.error_type ?? (errorCode == null ? undefined : String(errorCode)))
      : undefined,
    error_message: err ? (err.message ?? err.error_message ?? undefined) : undefined,
    attributes,
  };
  const at = { line };
  sink.emit('request', record, at);
  if (streamed) {
    // One token per chunk only when there are exactly as many chunks as output tokens.
    const perChunk = outputTokens === chunkTimes.length ? 1 : undefined;
    chunkTimes.forEach((t, seq) =>
      sink.emit('chunk', { request_id: requestId, seq, t_arrival_ns: t, tokens: perChunk }, at),
    );
  }
  return record;
}
