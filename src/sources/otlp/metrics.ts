/**
 * @module OTLP metric points → metric_sample / metric_bucket records. Gauges and sums become
 * one sample per point (monotonic sums are counters), histograms a sample (sum, count) plus
 * cumulative buckets, summaries a sum/count sample plus one per quantile. Delta points are
 * accumulated per series so stored values are cumulative, as the summary expects.
 */

import type { Location, RecordSink } from '../source.js';
import { lookupAlias, serverOfName } from '../prometheus/aliases.js';
import {
  attributes,
  enumCode,
  TEMPORALITIES,
  toBigInt,
  toDouble,
  type AttrValue,
  type HistogramPoint,
  type Metric,
  type NumberPoint,
  type SummaryPoint,
} from './otlp-json.js';

const DELTA = 1;
const NO_RECORDED_VALUE = 1;

/** OTel GenAI semantic-convention metrics (server 'otel'). */
const GENAI: Record<string, string | Record<string, string>> = {
  'gen_ai.server.time_to_first_token': 'ttft',
  'gen_ai.server.time_per_output_token': 'tpot',
  'gen_ai.server.request.duration': 'e2e',
  'gen_ai.client.operation.time_to_first_chunk': 'ttft',
  'gen_ai.client.operation.time_per_output_chunk': 'itl_chunk',
  'gen_ai.client.operation.duration': 'e2e',
  'gen_ai.client.token.usage': { input: 'prompt_tokens', output: 'output_tokens' },
};

/** Seconds per unit, for latency metrics mapped onto canonical (seconds) ids. */
const TIME_UNITS: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9, '': 1 };

export interface MetricTally {
  exponential: number;
  noValue: number;
  exemplars: number;
  nan: number;
  delta: number;
  /** Running totals of delta series. */
  running: Map<
    string,
    { value: number; count: number; sum: number; buckets: number[]; bounds: string }
  >;
}

export function newMetricTally(): MetricTally {
  return { exponential: 0, noValue: 0, exemplars: 0, nan: 0, delta: 0, running: new Map() };
}

interface Mapped {
  server: string;
  name: string;
  scale: number;
}

function mapName(metric: Metric, labels: Record<string, AttrValue>): Mapped {
  const native = metric.name;
  const server = serverOfName(native);
  if (server) {
    const flat = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
    const alias =
      lookupAlias(server, native, flat) ?? lookupAlias(server, native.replace(/_total$/, ''), flat);
    return { server, name: alias?.name ?? native, scale: alias?.unitScale ?? 1 };
  }
  const g = GENAI[native];
  // Client-side and server-side GenAI metrics observe the same requests from two vantage points:
  // keep them apart so that no summary adds one to the other.
  const family = native.startsWith('gen_ai.client.') ? 'otel-client' : 'otel';
  if (g === undefined) return { server: family, name: native, scale: 1 };
  if (typeof g === 'object') {
    const t = labels['gen_ai.token.type'];
    return { server: family, name: (typeof t === 'string' && g[t]) || native, scale: 1 };
  }
  const scale = TIME_UNITS[metric.unit ?? ''];
  // An unknown time unit keeps the native name rather than a canonical id in the wrong unit.
  return scale === undefined
    ? { server: family, name: native, scale: 1 }
    : { server: family, name: g, scale };
}

function sortedObject(o: Record<string, AttrValue>): Record<string, AttrValue> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Emits every point of one metric. `resource` holds the scalar resource attributes. */
export function emitMetric(
  metric: Metric,
  resource: Record<string, AttrValue>,
  sink: RecordSink,
  tally: MetricTally,
  at: Location,
): void {
  const point = <
    P extends {
      attributes?: { key: string; value?: unknown }[];
      timeUnixNano: string | number;
      flags?: number;
      exemplars?: unknown[];
    },
  >(
    p: P,
    i: number,
    kind: string,
  ) => {
    const labels = sortedObject({ ...resource, ...attributes(p.attributes) });
    const mapped = mapName(metric, labels);
    const where: Location = {
      ...at,
      pointer: `${at.pointer ?? ''}${metric.name}.${kind}.dataPoints[${i}]`,
    };
    if (p.exemplars?.length) tally.exemplars += p.exemplars.length;
    const skip = ((p.flags ?? 0) & NO_RECORDED_VALUE) !== 0;
    if (skip) tally.noValue++;
    const base = {
      t_ns: toBigInt(p.timeUnixNano),
      server: mapped.server,
      name: mapped.name,
      native_name: metric.name,
      labels,
      unit_scale: mapped.scale,
    };
    const key = `${metric.name}\u0000${JSON.stringify(labels)}`;
    return { base, mapped, where, skip, key };
  };
  const scaled = (v: number | undefined, s: number) => {
    if (v === undefined) return undefined;
    return v * s;
  };
  const dbl = (v: number | string | undefined) => {
    const d = toDouble(v);
    if (v !== undefined && d === undefined) tally.nan++;
    return d;
  };

  const numberPoints = (points: NumberPoint[] | undefined, kind: 'gauge' | 'sum') => {
    const sum = metric.sum;
    const monotonic = kind === 'sum' && sum?.isMonotonic === true;
    const delta = kind === 'sum' && enumCode(sum?.aggregationTemporality, TEMPORALITIES) === DELTA;
    (points ?? []).forEach((p, i) => {
      const { base, mapped, where, skip, key } = point(p, i, kind);
      if (skip) return;
      let v =
        p.asDouble !== undefined
          ? dbl(p.asDouble)
          : p.asInt !== undefined
            ? Number(p.asInt)
            : undefined;
      if (v === undefined && p.asDouble === undefined && p.asInt === undefined) tally.noValue++;
      if (delta && v !== undefined) {
        tally.delta++;
        const r = runningOf(tally, key, '');
        r.value += v;
        v = r.value;
      }
      sink.emit(
        'metric_sample',
        {
          ...base,
          sample_id: sink.nextSampleId(),
          kind: monotonic ? 'counter' : 'gauge',
          value: scaled(v, mapped.scale),
        },
        where,
      );
    });
  };

  const histogramPoints = (points: HistogramPoint[] | undefined) => {
    const delta = enumCode(metric.histogram?.aggregationTemporality, TEMPORALITIES) === DELTA;
    (points ?? []).forEach((p, i) => {
      const { base, mapped, where, skip, key } = point(p, i, 'histogram');
      if (skip) return;
      const bounds = (p.explicitBounds ?? []).map((b) => toDouble(b) ?? Number.NaN);
      const counts = (p.bucketCounts ?? []).map(Number);
      if (counts.length > 0 && counts.length !== bounds.length + 1) {
        sink.warn({
          code: 'HISTOGRAM_SHAPE',
          message: `${metric.name}: ${counts.length} bucketCounts for ${bounds.length} explicitBounds (expected one more); buckets not stored`,
          at: where,
        });
        counts.length = 0;
      }
      let count = Number(p.count ?? 0);
      let sum = dbl(p.sum);
      if (delta) {
        tally.delta++;
        const r = runningOf(tally, key, JSON.stringify(bounds));
        if (r.buckets.length !== counts.length) r.buckets = counts.map(() => 0);
        counts.forEach((c, j) => (r.buckets[j] += c));
        r.count += count;
        r.sum += sum ?? 0;
        counts.splice(0, counts.length, ...r.buckets);
        count = r.count;
        sum = sum === undefined ? undefined : r.sum;
      }
      const id = sink.nextSampleId();
      sink.emit(
        'metric_sample',
        { ...base, sample_id: id, kind: 'histogram', value: scaled(sum, mapped.scale), count },
        where,
      );
      let acc = 0;
      counts.forEach((c, j) => {
        acc += c;
        const le = j < bounds.length ? bounds[j] * mapped.scale : Infinity;
        sink.emit('metric_bucket', { sample_id: id, le, count: acc }, where);
      });
    });
  };

  const summaryPoints = (points: SummaryPoint[] | undefined) => {
    (points ?? []).forEach((p, i) => {
      const { base, mapped, where, skip } = point(p, i, 'summary');
      if (skip) return;
      sink.emit(
        'metric_sample',
        {
          ...base,
          sample_id: sink.nextSampleId(),
          kind: 'summary',
          value: scaled(dbl(p.sum), mapped.scale),
          count: Number(p.count ?? 0),
        },
        where,
      );
      for (const q of p.quantileValues ?? []) {
        sink.emit(
          'metric_sample',
          {
            ...base,
            sample_id: sink.nextSampleId(),
            labels: sortedObject({ ...base.labels, quantile: String(toDouble(q.quantile) ?? 0) }),
            kind: 'summary',
            value: scaled(dbl(q.value ?? 0), mapped.scale),
          },
          where,
        );
      }
    });
  };

  if (metric.gauge) numberPoints(metric.gauge.dataPoints, 'gauge');
  if (metric.sum) numberPoints(metric.sum.dataPoints, 'sum');
  if (metric.histogram) histogramPoints(metric.histogram.dataPoints);
  if (metric.summary) summaryPoints(metric.summary.dataPoints);
  if (metric.exponentialHistogram) {
    (metric.exponentialHistogram.dataPoints ?? []).forEach((p, i) => {
      const { base, mapped, where, skip } = point(p, i, 'exponentialHistogram');
      if (skip) return;
      tally.exponential++;
      sink.emit(
        'metric_sample',
        {
          ...base,
          sample_id: sink.nextSampleId(),
          kind: 'histogram',
          value: scaled(dbl(p.sum), mapped.scale),
          count: Number(p.count ?? 0),
        },
        where,
      );
    });
  }
}

function runningOf(tally: MetricTally, key: string, bounds: string) {
  let r = tally.running.get(key);
  if (!r || r.bounds !== bounds) {
    r = { value: 0, count: 0, sum: 0, buckets: [], bounds };
    tally.running.set(key, r);
  }
  return r;
}

/** The warnings of a file's metric points, once at the end. */
export function metricWarnings(tally: MetricTally, sink: RecordSink): void {
  const say = (n: number, code: string, message: string) => {
    if (n) sink.warn({ code, message: `${n} ${message}` });
  };
  say(
    tally.exponential,
    'EXPONENTIAL_HISTOGRAM',
    'exponential-histogram points stored as sum and count only (their buckets are not kept)',
  );
  say(tally.noValue, 'NO_VALUE', 'points without a recorded value were skipped or stored as NULL');
  say(tally.exemplars, 'EXEMPLARS_SKIPPED', 'exemplars ignored');
  say(tally.nan, 'NAN_VALUES', 'NaN values stored as NULL');
  say(
    tally.delta,
    'DELTA_ACCUMULATED',
    'delta points accumulated into cumulative values per series',
  );
}
