/**
 * @module Summary figures from server histograms (Prometheus scrapes, OTLP metrics). Quantiles
 * are interpolated inside buckets and labelled estimates: buckets are coarse (vLLM's e2e buckets
 * start at 0.3 s), so prefer client-side per-request data for tails.
 */

import { histogramQuantile, type Bucket } from '../../base/stats.js';
import type { SummaryContext } from './summary.js';
import type { Distribution, GroupSummary } from './types.js';

const NAMES = ['ttft', 'tpot', 'itl', 'e2e', 'queue'] as const;

function metricGroupSql(labelKey: string | null): string {
  if (labelKey === null) return 'NULL::VARCHAR';
  const fromLabels =
    labelKey === 'model'
      ? `coalesce(json_extract_string(m.labels, '$.model_name'), json_extract_string(m.labels, '$.model'))`
      : `json_extract_string(m.labels, '$."${labelKey}"')`;
  return `coalesce(${fromLabels}, json_extract_string(i.labels, '$."${labelKey}"'))`;
}

export async function histogramSummaries(ctx: SummaryContext): Promise<GroupSummary[]> {
  const w: string[] = [];
  if (ctx.window.start !== undefined) w.push(`m.t_ns >= ${ctx.window.start}`);
  if (ctx.window.end !== undefined) w.push(`m.t_ns < ${ctx.window.end}`);
  // Each series' increase over the window: last scrape minus first (or the cumulative value when
  // there is one scrape), summed over the series of a group. A series is a metric's label set on
  // one server; scrapes of it saved as separate files (with the same --label set) are one series.
  const sql = `
WITH s AS (
  SELECT ${metricGroupSql(ctx.key.labelKey)} AS grp, m.ingest_id, m.sample_id, m.server, m.name, m.labels,
    i.labels AS ingest_labels, m.t_ns,
    m.value, m.count,
    row_number() OVER (PARTITION BY m.server, m.name, m.labels, i.labels ORDER BY m.t_ns DESC) AS rn_last,
    row_number() OVER (PARTITION BY m.server, m.name, m.labels, i.labels ORDER BY m.t_ns) AS rn_first,
    count(*) OVER (PARTITION BY m.server, m.name, m.labels, i.labels) AS scrapes
  FROM metric_sample m JOIN ingest i USING (ingest_id)
  WHERE m.kind = 'histogram' AND m.name IN (${NAMES.map((n) => `'${n}'`).join(', ')})
    ${w.length ? `AND ${w.join(' AND ')}` : ''}
),
series AS (
  -- A count that went down means the server restarted: then the last scrape is the increase.
  SELECT l.grp, l.server, l.name, l.ingest_id, f.ingest_id AS first_ingest, l.sample_id AS last_id, f.sample_id AS first_id,
    l.scrapes > 1 AND l.count >= f.count AS subtract, l.value AS l_value, f.value AS f_value,
    l.count AS l_count, f.count AS f_count, (l.t_ns - f.t_ns) / 1e9 AS span_s
  FROM s l JOIN s f ON l.server = f.server AND l.name = f.name AND l.labels = f.labels
    AND l.ingest_labels = f.ingest_labels AND f.rn_first = 1
  WHERE l.rn_last = 1
),
ends AS (
  SELECT grp, server, name, ingest_id, first_ingest, last_id, first_id, subtract, span_s,
    l_value - CASE WHEN subtract THEN f_value ELSE 0 END AS sum_delta,
    l_count - CASE WHEN subtract THEN f_count ELSE 0 END AS count_delta
  FROM series
)
SELECT e.grp, e.server, e.name, b.le, sum(b.count - CASE WHEN e.subtract THEN coalesce(fb.count, 0) ELSE 0 END) AS cnt,
  any_value(g.sum_delta) AS sum_delta, any_value(g.count_delta) AS count_delta, any_value(g.span_s) AS span_s
FROM ends e
JOIN metric_bucket b ON b.ingest_id = e.ingest_id AND b.sample_id = e.last_id
LEFT JOIN metric_bucket fb ON fb.ingest_id = e.first_ingest AND fb.sample_id = e.first_id AND fb.le = b.le
JOIN (SELECT grp, server, name, sum(sum_delta) AS sum_delta, sum(count_delta) AS count_delta, max(span_s) AS span_s
      FROM ends GROUP BY grp, server, name) g
  ON g.grp IS NOT DISTINCT FROM e.grp AND g.server = e.server AND g.name = e.name
GROUP BY e.grp, e.server, e.name, b.le
ORDER BY e.grp NULLS FIRST, e.server, e.name, b.le`;
  const rows = await ctx.store.query(sql, {
    grp: 'text?',
    server: 'text',
    name: 'text',
    le: 'float',
    cnt: 'float',
    sum_delta: 'float?',
    count_delta: 'float?',
    span_s: 'float?',
  });
  if (rows.length === 0) return [];

  // One group per dimension value and server family: histograms of different servers (a vLLM
  // scrape and an OTel client export of the same traffic) describe the same requests twice.
  const groups = new Map<
    string,
    {
      key: string | null;
      server: string;
      hists: Map<string, { buckets: Bucket[]; sum: number; count: number; span: number }>;
    }
  >();
  for (const r of rows) {
    const id = `${r.grp ?? ''}\u0000${r.grp === null ? 'null' : 'v'}\u0000${r.server}`;
    let entry = groups.get(id);
    if (!entry) groups.set(id, (entry = { key: r.grp, server: r.server, hists: new Map() }));
    const g = entry.hists;
    let h = g.get(r.name);
    if (!h)
      g.set(
        r.name,
        (h = {
          buckets: [],
          sum: r.sum_delta ?? 0,
          count: r.count_delta ?? 0,
          span: r.span_s ?? 0,
        }),
      );
    h.buckets.push({ le: r.le, count: r.cnt });
  }
  const out: GroupSummary[] = [];
  for (const { key, server, hists } of groups.values()) {
    const dist = (name: string): Distribution | null => {
      const h = hists.get(name);
      if (!h || !(h.count > 0)) return null;
      const q = (p: number) => histogramQuantile(h.buckets, p);
      return {
        count: h.count,
        mean: h.sum / h.count,
        p50: q(0.5),
        p90: q(0.9),
        p99: q(0.99),
        p999: q(0.999),
        estimate: true,
      };
    };
    const e2e = hists.get('e2e') ?? hists.get('ttft');
    const requests = e2e ? e2e.count : 0;
    const span = e2e && e2e.span > 0 ? e2e.span : null;
    out.push({
      key,
      basis: 'server_histograms',
      server,
      requests,
      errors: 0,
      error_rate: null,
      flagged: 0,
      duration_s: span,
      throughput: {
        requests_per_s: span ? requests / span : null,
        input_tokens_per_s: null,
        output_tokens_per_s: null,
      },
      latency: {
        ttft: dist('ttft'),
        tpot: dist('tpot'),
        itl: dist('itl'),
        itl_chunk: null,
        e2e: dist('e2e'),
        queue: dist('queue'),
      },
      goodput: null,
    });
  }
  ctx.notes.push(
    'server_histograms: quantiles are estimates interpolated inside histogram buckets; request counts come from the e2e (or TTFT) histogram, errors are not visible',
  );
  return out;
}
