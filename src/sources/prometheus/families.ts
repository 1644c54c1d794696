/**
 * @module Groups the sample lines of a scrape into series: a sample line's metric family (from
 * `# TYPE` and the `_bucket`/`_sum`/`_count`/`_total` suffixes), and one series per histogram or
 * summary label set, assembled from its lines (cumulative buckets, sum, count, quantiles).
 */

import type { MetricType, SampleLine } from './line-parser.js';
import { parsePromFloat } from './line-parser.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'untyped';

/** Suffixes a family of each type may carry on its sample names. */
const SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};
const ALL_SUFFIXES = [
  '_bucket',
  '_sum',
  '_count',
  '_total',
  '_created',
  '_gsum',
  '_gcount',
  '_info',
];

export interface FamilyRef {
  family: string;
  type: MetricType | undefined;
  suffix: string;
}

/** The family a sample name belongs to, given the declared (or inferred) types. */
export function familyOf(name: string, types: ReadonlyMap<string, MetricType>): FamilyRef {
  const own = types.get(name);
  if (own) return { family: name, type: own, suffix: '' };
  for (const suffix of ALL_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = types.get(base);
    if (t && SUFFIXES[t]?.includes(suffix)) return { family: base, type: t, suffix };
  }
  return { family: name, type: undefined, suffix: '' };
}

/** True for `_created` series (creation timestamps of counters, histograms and summaries). */
export function isCreatedSeries(ref: FamilyRef, types: ReadonlyMap<string, MetricType>): boolean {
  if (ref.suffix === '_created') return true;
  if (!ref.family.endsWith('_created') || ref.suffix !== '') return false;
  const base = ref.family.slice(0, -'_created'.length);
  const t = types.get(base);
  return (
    t === 'counter' ||
    t === 'histogram' ||
    t === 'summary' ||
    types.get(`${base}_total`) === 'counter'
  );
}

export function kindOf(type: MetricType | undefined, family: string): MetricKind {
  switch (type) {
    case 'counter':
      return 'counter';
    case 'gauge':
      return family.endsWith('_info') ? 'info' : 'gauge';
    case 'stateset':
      return 'gauge';
    case 'histogram':
    case 'gaugehistogram':
      return 'histogram';
    case 'summary':
      return 'summary';
    case 'info':
      return 'info';
    default:
      return 'untyped';
  }
}

/** The name as exposed without the `_total` suffix of counters (and untyped `_total` names). */
export function nativeNameOf(ref: FamilyRef, kind: MetricKind): string {
  if ((kind === 'counter' || kind === 'untyped') && ref.family.endsWith('_total'))
    return ref.family.slice(0, -'_total'.length);
  return ref.family;
}

/** An assembled series, ready to become canonical records. */
export interface Series {
  family: string;
  native: string;
  kind: MetricKind;
  labels: Record<string, string>;
  timestamp?: string;
  /** Counter/gauge value, or histogram/summary sum. */
  value?: number;
  count?: number;
  /** Cumulative buckets, ascending `le` (native units). */
  buckets?: { le: number; count: number }[];
  /** Summary quantiles. */
  quantiles?: { q: string; value: number }[];
  line: number;
}

export interface AssemblyContext {
  fail(message: string, line: number, hint?: string): never;
  warn(code: string, message: string, line: number): void;
}

/** Labels as an object with sorted keys, so equal label sets serialise equally. */
export function sortedLabels(
  pairs: readonly [string, string][],
  drop?: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...pairs].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)))
    if (k !== drop) out[k] = v;
  return out;
}

interface Group {
  series: Series;
  buckets: Map<number, number>;
}

/**
 * Collects the lines of histogram and summary families into series. Lines of one family are
 * contiguous in an exposition, so groups are flushed when the family changes.
 */
export class SeriesAssembler {
  private family: string | undefined;
  private groups = new Map<string, Group>();

  constructor(
    private readonly ctx: AssemblyContext,
    private readonly out: (s: Series) => void,
  ) {}

  /** A histogram or summary line (`kind` is the family's kind). */
  add(ref: FamilyRef, kind: 'histogram' | 'summary', s: SampleLine, line: number): void {
    if (ref.family !== this.family) this.flush();
    this.family = ref.family;
    const special = kind === 'histogram' ? 'le' : 'quantile';
    const labels = sortedLabels(s.labels, special);
    const key = `${JSON.stringify(labels)}\u0000${s.timestamp ?? ''}`;
    let g = this.groups.get(key);
    if (!g) {
      g = {
        series: {
          family: ref.family,
          native: ref.family,
          kind,
          labels,
          timestamp: s.timestamp,
          line,
        },
        buckets: new Map(),
      };
      this.groups.set(key, g);
    }
    const where = `${s.name}${labelText(s.labels)}`;
    const raw = s.labels.find(([k]) => k === special)?.[1];
    const isSum = ref.suffix === '_sum' || ref.suffix === '_gsum';
    const isCount = ref.suffix === '_count' || ref.suffix === '_gcount';
    if (isSum || isCount) {
      if (raw !== undefined)
        this.ctx.fail(`${where}: a ${ref.suffix} line takes no "${special}" label`, line);
      const field = isSum ? 'value' : 'count';
      if (g.series[field] !== undefined)
        this.ctx.fail(`${where}: ${ref.suffix} appears twice for this series`, line, DUP_HINT);
      g.series[field] = s.value;
      return;
    }
    if (kind === 'histogram') {
      if (ref.suffix !== '_bucket')
        this.ctx.fail(
          `${where}: expected ${ref.family}_bucket, _sum or _count for histogram "${ref.family}"`,
          line,
        );
      if (raw === undefined)
        this.ctx.fail(`${where}: expected an "le" label on a histogram bucket`, line);
      const le = parsePromFloat(raw);
      if (le === undefined || Number.isNaN(le))
        this.ctx.fail(`${where}: expected a number or +Inf as "le", got "${raw}"`, line);
      if (g.buckets.has(le))
        this.ctx.fail(`${where}: bucket le="${raw}" appears twice for this series`, line, DUP_HINT);
      g.buckets.set(le, s.value);
      return;
    }
    if (raw === undefined)
      this.ctx.fail(`${where}: expected a "quantile" label on a summary sample`, line);
    const q = parsePromFloat(raw);
    if (q === undefined || Number.isNaN(q) || q < 0 || q > 1)
      this.ctx.fail(`${where}: expected a quantile between 0 and 1, got "${raw}"`, line);
    const qs = (g.series.quantiles ??= []);
    if (qs.some((x) => Number(x.q) === q))
      this.ctx.fail(`${where}: quantile "${raw}" appears twice for this series`, line, DUP_HINT);
    qs.push({ q: String(q), value: s.value });
  }

  flush(): void {
    for (const g of this.groups.values()) this.out(this.finish(g));
    this.groups.clear();
    this.family = undefined;
  }

  private finish(g: Group): Series {
    const s = g.series;
    if (s.kind !== 'histogram') return s;
    const buckets = [...g.buckets.entries()]
      .map(([le, count]) => ({ le, count }))
      .sort((x, y) => x.le - y.le);
    const inf = buckets.find((b) => b.le === Infinity);
    const name = `${s.family}${labelText(Object.entries(s.labels))}`;
    if (s.count === undefined && inf) s.count = inf.count;
    if (buckets.length > 0 && !inf) {
      if (s.count !== undefined) {
        buckets.push({ le: Infinity, count: s.count });
        this.ctx.warn('HISTOGRAM_NO_INF', `${name}: no +Inf bucket; added one from _count`, s.line);
      } else {
        this.ctx.warn('HISTOGRAM_NO_INF', `${name}: no +Inf bucket and no _count`, s.line);
      }
    }
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i].count < buckets[i - 1].count) {
        this.ctx.warn(
          'HISTOGRAM_NOT_CUMULATIVE',
          `${name}: bucket counts decrease at le=${buckets[i].le}; kept as written`,
          s.line,
        );
        break;
      }
    }
    s.buckets = buckets;
    return s;
  }
}

const DUP_HINT =
  'a series may appear once per scrape: split concatenated scrapes into files (ingest each with --scrape-time) or give every line a timestamp';

function labelText(pairs: readonly [string, string][]): string {
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}` : '';
}
