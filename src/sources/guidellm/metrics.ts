/**
 * @module GuideLLM benchmark `metrics` → run_stat rows, from each StatusDistributionSummary's
 * `successful` part. Milliseconds become seconds; percentiles `p001…p999` become
 * `p0.1…p99.9`. GuideLLM's `time_per_output_token_ms` counts the first token
 * ((last token − request start) / n), so it is `tpot` with definition `incl_first_token`;
 * its `inter_token_latency_ms` ((last − first) / (n − 1)) is exactly our `tpot`.
 */

import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import { DistributionSummary, GUIDELLM } from './schema.js';

interface Mapped {
  metric: string;
  unit: string;
  definition?: string;
  /** Also emit the summary's mean as this throughput rate. */
  rate?: boolean;
}

const METRICS: Record<string, Mapped> = {
  time_to_first_token_ms: { metric: 'ttft', unit: 's' },
  time_per_output_token_ms: { metric: 'tpot', unit: 's', definition: 'incl_first_token' },
  inter_token_latency_ms: { metric: 'tpot', unit: 's' },
  request_latency: { metric: 'e2e', unit: 's' },
  prompt_token_count: { metric: 'prompt_tokens', unit: 'tokens' },
  output_token_count: { metric: 'output_tokens', unit: 'tokens' },
  requests_per_second: { metric: 'request_throughput', unit: 'requests/s', rate: true },
  output_tokens_per_second: { metric: 'output_token_throughput', unit: 'tokens/s', rate: true },
  prompt_tokens_per_second: { metric: 'input_token_throughput', unit: 'tokens/s', rate: true },
  tokens_per_second: { metric: 'total_token_throughput', unit: 'tokens/s', rate: true },
};

/** `p001` → `p0.1`, `p05` → `p5`, `p999` → `p99.9`. */
export function percentileName(key: string): string | undefined {
  const m = /^p(\d{2,3})$/.exec(key);
  if (!m) return undefined;
  const v = m[1].length === 3 ? Number(m[1]) / 10 : Number(m[1]);
  return `p${v}`;
}

function isStatusSummary(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && 'successful' in v && 'total' in v;
}

function unitFor(key: string): { metric: string; unit: string; scale: number } {
  if (key.endsWith('_ms')) return { metric: key.slice(0, -3), unit: 's', scale: 1e-3 };
  if (/tokens?_per_(second|iteration)|per_second/.test(key))
    return { metric: key, unit: key.includes('token') ? 'tokens/s' : 'per_s', scale: 1 };
  if (/token/.test(key)) return { metric: key, unit: 'tokens', scale: 1 };
  if (/count|concurrency/.test(key)) return { metric: key, unit: 'count', scale: 1 };
  return { metric: key, unit: 'value', scale: 1 };
}

export interface MetricsContext {
  file: string;
  runId: string;
  pointer: string;
}

/** Emits run_stat rows for one benchmark's metrics; returns non-distribution values for config. */
export function emitMetrics(
  metrics: Record<string, unknown>,
  sink: RecordSink,
  ctx: MetricsContext,
  prefix = '',
): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metrics)) {
    const path = `${prefix}${key}`;
    if (!isStatusSummary(value)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        // Newer reports nest per-modality summaries (text, image, …).
        Object.assign(rest, emitMetrics(value as Record<string, unknown>, sink, ctx, `${path}.`));
      } else rest[path] = value;
      continue;
    }
    if (value.successful === null || value.successful === undefined) continue;
    if (typeof value.successful !== 'object') {
      rest[path] = value; // request_totals: plain counts per status
      continue;
    }
    const d = validateInput(DistributionSummary, value.successful, {
      file: ctx.file,
      format: GUIDELLM,
      at: { pointer: `${ctx.pointer}.metrics.${path}.successful` },
    });
    const known = prefix === '' ? METRICS[key] : undefined;
    const guess = unitFor(key);
    const m = known ?? {
      metric: prefix ? `${prefix}${guess.metric}` : guess.metric,
      unit: guess.unit,
    };
    const scale = known ? (key.endsWith('_ms') ? 1e-3 : 1) : guess.scale;
    const stats: [string, string, number | null | undefined][] = [
      ['mean', 'mean', d.mean],
      ['std_dev', 'std', d.std_dev],
      ['min', 'min', d.min],
      ['max', 'max', d.max],
    ];
    const pcts = d.percentiles ?? {};
    if (!('p50' in pcts)) stats.push(['median', 'p50', d.median]);
    for (const [k, v] of Object.entries(pcts)) {
      const stat = percentileName(k);
      if (stat) stats.push([`percentiles.${k}`, stat, v]);
    }
    for (const [native, stat, v] of stats) {
      if (typeof v !== 'number') continue;
      sink.emit('run_stat', {
        run_id: ctx.runId,
        metric: m.metric,
        native_name: `${path}.successful.${native}`,
        definition: m.definition,
        stat,
        value: v * scale,
        unit: m.unit,
      });
    }
    if (typeof d.count === 'number') {
      sink.emit('run_stat', {
        run_id: ctx.runId,
        metric: m.metric,
        native_name: `${path}.successful.count`,
        stat: 'count',
        value: d.count,
        unit: 'count',
      });
    }
    if (known?.rate) {
      // The mean of GuideLLM's rate distribution is the benchmark's overall rate.
      sink.emit('run_stat', {
        run_id: ctx.runId,
        metric: m.metric,
        native_name: `${path}.successful.mean`,
        stat: 'rate',
        value: d.mean,
        unit: m.unit,
      });
    }
  }
  return rest;
}
