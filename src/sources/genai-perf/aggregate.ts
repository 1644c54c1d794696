/**
 * @module The aggregate files of GenAI-Perf (`profile_export_genai_perf.json`) and AIPerf
 * (`profile_export_aiperf.json`): one object per metric, `{"unit", "avg", "p50", ..., "min",
 * "max", "std"}`, beside the run's configuration. Both tools call TPOT "inter_token_latency":
 * (request latency − TTFT) / (output tokens − 1).
 */

import { z } from 'zod';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import { pyNumber } from '../exact-json.js';

/** A metric object: a unit plus statistics. */
const MetricStats = z.object({ unit: z.string() }).catchall(z.union([pyNumber, z.null()]));
const Aggregate = z.record(z.string(), z.unknown());

const METRICS: Record<string, { metric: string; rate?: boolean }> = {
  time_to_first_token: { metric: 'ttft' },
  ttft: { metric: 'ttft' },
  inter_token_latency: { metric: 'tpot' },
  request_latency: { metric: 'e2e' },
  inter_chunk_latency: { metric: 'itl_chunk' },
  input_sequence_length: { metric: 'prompt_tokens' },
  output_sequence_length: { metric: 'output_tokens' },
  request_throughput: { metric: 'request_throughput', rate: true },
  output_token_throughput: { metric: 'output_token_throughput', rate: true },
  input_token_throughput: { metric: 'input_token_throughput', rate: true },
  request_goodput: { metric: 'goodput', rate: true },
  goodput: { metric: 'goodput', rate: true },
};

/** Unit → [canonical unit, factor to it]. */
const UNITS: Record<string, [string, number]> = {
  ns: ['s', 1e-9],
  us: ['s', 1e-6],
  µs: ['s', 1e-6],
  ms: ['s', 1e-3],
  s: ['s', 1],
  sec: ['s', 1],
  tokens: ['tokens', 1],
  'requests/sec': ['requests/s', 1],
  'requests/s': ['requests/s', 1],
  'tokens/sec': ['tokens/s', 1],
  'tokens/s': ['tokens/s', 1],
};

export interface AggregateRun {
  runId: string;
  tool: string;
  /** Tool-specific run fields read from the document (duration, counts, load level). */
  fields: {
    model?: string;
    duration_s?: number;
    completed?: number;
    failed?: number;
    request_rate?: number;
    max_concurrency?: number;
  };
  /** The tool's own definitions where they differ from ours, by canonical metric. */
  definitions?: Record<string, string>;
}

const isMetricObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  typeof (v as { unit?: unknown }).unit === 'string';

/** Validates the document and emits the run and one run_stat per known metric statistic. */
export function emitAggregate(
  value: unknown,
  run: (doc: Record<string, unknown>) => AggregateRun,
  ctx: { file: string; format: string; sink: RecordSink },
): void {
  const doc = validateInput(Aggregate, value, { file: ctx.file, format: ctx.format });
  const r = run(doc);
  const config: Record<string, unknown> = {};
  const stats: {
    key: string;
    m: { metric: string; rate?: boolean };
    body: Record<string, unknown>;
  }[] = [];
  for (const [key, v] of Object.entries(doc)) {
    const m = METRICS[key];
    // Metrics we do not map, or in units we do not convert, stay in the config as they are.
    if (m && isMetricObject(v) && UNITS[String(v.unit)]) {
      const body = validateInput(MetricStats, v, {
        file: ctx.file,
        format: ctx.format,
        at: { pointer: key },
      });
      stats.push({ key, m, body });
    } else config[key] = v;
  }
  ctx.sink.emit('run', { run_id: r.runId, tool: r.tool, clock: 'request', ...r.fields, config });
  for (const { key, m, body } of stats) {
    const unit = UNITS[String(body.unit)];
    for (const [statKey, v] of Object.entries(body)) {
      if (statKey === 'unit' || typeof v !== 'number' || !Number.isFinite(v)) continue;
      const stat = m.rate
        ? statKey === 'avg'
          ? 'rate'
          : undefined
        : statKey === 'avg'
          ? 'mean'
          : statKey;
      if (!stat || !/^(mean|rate|min|max|std|p\d+(\.\d+)?)$/.test(stat)) continue;
      ctx.sink.emit('run_stat', {
        run_id: r.runId,
        metric: m.metric,
        native_name: key,
        definition: r.definitions?.[m.metric],
        stat,
        value: v * unit[1],
        unit: unit[0],
      });
    }
  }
}

/** Reads a numeric field of a metric object (e.g. `doc.benchmark_duration.avg`). */
export function metricValue(
  doc: Record<string, unknown>,
  key: string,
  stat = 'avg',
): number | undefined {
  const v = doc[key];
  if (!isMetricObject(v)) return undefined;
  const x = v[stat];
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** Aggregate-file markers shared by both tools' sniffers. */
export const AGGREGATE_SHAPE =
  /"(request_latency|time_to_first_token|inter_token_latency|request_throughput)"\s*:\s*\{\s*"unit"\s*:/;
