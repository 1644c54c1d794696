/** @module Summary figures from per-request records (the `requests` and `chunks` views). */

import type { SummaryContext } from './summary.js';
import { QUANTILES, type Distribution, type GroupSummary } from './types.js';

const Q_LIST = `[${QUANTILES.join(', ')}]`;
const LATENCIES = ['ttft', 'tpot', 'e2e', 'queue'] as const;

/** SQL selecting quantiles, mean and count of `expr` (NULLs ignored) under `filter`. */
function distSql(name: string, expr: string, filter: string): string {
  return [
    `quantile_cont(${expr}, ${Q_LIST}) FILTER (WHERE ${filter}) AS ${name}_q`,
    `favg(${expr}) FILTER (WHERE ${filter}) AS ${name}_mean`,
    `count(${expr}) FILTER (WHERE ${filter}) AS ${name}_n`,
  ].join(',\n    ');
}

/** Unpacks the `_q` list into p50..p999 columns. */
function distCols(name: string): string {
  return (
    QUANTILES.map((_, i) => `${name}_q[${i + 1}] AS ${name}_p${i}`).join(', ') +
    `, ${name}_mean, coalesce(${name}_n, 0) AS ${name}_n`
  );
}

function distSpec(name: string) {
  return {
    [`${name}_p0`]: 'float?',
    [`${name}_p1`]: 'float?',
    [`${name}_p2`]: 'float?',
    [`${name}_p3`]: 'float?',
    [`${name}_mean`]: 'float?',
    [`${name}_n`]: 'int',
  } as const;
}

function readDist(row: Record<string, unknown>, name: string): Distribution | null {
  const count = row[`${name}_n`] as number;
  if (!count) return null;
  const q = (i: number) => row[`${name}_p${i}`] as number | null;
  return {
    count,
    mean: row[`${name}_mean`] as number | null,
    p50: q(0),
    p90: q(1),
    p99: q(2),
    p999: q(3),
  };
}

export function windowFilter(window: SummaryContext['window']): string {
  const parts: string[] = [];
  if (window.start !== undefined) parts.push(`t_start_ns >= ${window.start}`);
  if (window.end !== undefined) parts.push(`t_start_ns < ${window.end}`);
  // A window is wall-clock: records whose clock is not the epoch cannot be placed in it.
  if (parts.length) parts.unshift(`clock = 'epoch'`);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

export async function requestSummaries(ctx: SummaryContext): Promise<GroupSummary[]> {
  const { store, key, slo } = ctx;
  const where = windowFilter(ctx.window);
  if (where !== 'TRUE') {
    const outside = await store.query(`SELECT count(*) AS n FROM requests WHERE clock <> 'epoch'`, {
      n: 'int',
    });
    if (outside[0].n > 0) {
      ctx.notes.push(
        `${outside[0].n} requests have no wall-clock timestamps and are outside any --window`,
      );
    }
  }
  const base = `SELECT ${key.requestSql} AS grp, * FROM requests WHERE ${where}`;
  const lo =
    ctx.window.start !== undefined ? `${ctx.window.start}::BIGINT` : '-9223372036854775807::BIGINT';
  const hi =
    ctx.window.end !== undefined ? `${ctx.window.end}::BIGINT` : '9223372036854775807::BIGINT';
  const okTiming = `status = 'ok' AND timing_ok`;
  // A one-token request has no TPOT and passes a TPOT threshold (as in vLLM); an unknown value
  // fails its threshold, and the summary says how many requests lacked it.
  const sloExpr = (k: string) =>
    k === 'tpot' ? `CASE WHEN output_tokens = 1 THEN 0 ELSE tpot_s END` : `${k}_s`;
  const good = slo
    ? Object.entries(slo)
        .map(([k, v]) => `${sloExpr(k)} <= ${v}`)
        .join(' AND ')
    : 'FALSE';
  const unknown = slo
    ? Object.keys(slo)
        .map((k) => `${sloExpr(k)} IS NULL`)
        .join(' OR ')
    : 'FALSE';
  const sql = `
WITH base AS NOT MATERIALIZED (${base}),
agg AS (
  SELECT grp,
    count(*) AS n,
    count(*) FILTER (WHERE status <> 'ok') AS errors,
    count(*) FILTER (WHERE NOT timing_ok) AS flagged,
    sum(prompt_tokens) FILTER (WHERE status = 'ok') AS in_tok,
    sum(output_tokens) FILTER (WHERE status = 'ok') AS out_tok,
    count(*) FILTER (WHERE ${okTiming} AND ${good}) AS good,
    count(*) FILTER (WHERE ${okTiming} AND (${unknown})) AS slo_unknown,
    ${LATENCIES.map((m) => distSql(m, `${m}_s`, okTiming)).join(',\n    ')}
  FROM base GROUP BY grp
),
epoch_spans AS (
  -- Wall-clock runs: the union of their [first start, last finish] intervals (clipped to the
  -- window), so idle time between runs is not counted and overlapping runs are not doubled.
  -- Arrival-only records (request traces) have no finish: their span ends at the last start.
  SELECT grp, greatest(min(t_start_ns), ${lo}) AS s, least(max(coalesce(t_finish_ns, t_start_ns)), ${hi}) AS e
  FROM base WHERE clock = 'epoch' GROUP BY grp, ingest_id, run_id
),
islands AS (
  SELECT grp, s, e, sum(CASE WHEN prev_e IS NULL OR s > prev_e THEN 1 ELSE 0 END)
      OVER (PARTITION BY grp ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
  FROM (SELECT grp, s, e, max(e) OVER (PARTITION BY grp ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_e
        FROM epoch_spans WHERE e > s)
),
spans AS (
  SELECT grp, (max(e) - min(s)) / 1e9 AS span_s FROM islands GROUP BY grp, island
  UNION ALL
  -- Run-clock runs have their own origins: each run spans its own requests.
  SELECT grp, (max(coalesce(t_finish_ns, t_start_ns)) - min(t_start_ns)) / 1e9 FROM base WHERE clock = 'run'
  GROUP BY grp, ingest_id, run_id
),
run_durations AS (
  SELECT b.grp, sum(r.duration_s) AS dur_s
  FROM (SELECT DISTINCT grp, ingest_id, run_id FROM base WHERE clock = 'request') b
  JOIN run r ON r.ingest_id = b.ingest_id AND r.run_id IS NOT DISTINCT FROM b.run_id
  GROUP BY b.grp
),
durations AS (
  SELECT grp, sum(d) AS duration_s FROM (
    SELECT grp, span_s AS d FROM spans UNION ALL SELECT grp, dur_s FROM run_durations
  ) GROUP BY grp
)
SELECT a.grp, a.n, a.errors, a.flagged, a.in_tok, a.out_tok, a.good, a.slo_unknown, d.duration_s,
  ${LATENCIES.map(distCols).join(',\n  ')}
FROM agg a LEFT JOIN durations d ON a.grp IS NOT DISTINCT FROM d.grp
ORDER BY a.grp NULLS FIRST`;

  const spec = {
    grp: 'text?',
    n: 'int',
    errors: 'int',
    flagged: 'int',
    in_tok: 'float?',
    out_tok: 'float?',
    good: 'int',
    slo_unknown: 'int',
    duration_s: 'float?',
    ...distSpec('ttft'),
    ...distSpec('tpot'),
    ...distSpec('e2e'),
    ...distSpec('queue'),
  } as const;
  const rows = await store.query(sql, spec);
  if (rows.length === 0) return [];

  const itl = await itlDistributions(ctx, base);
  for (const r of rows) {
    if (slo && r.slo_unknown > 0) {
      ctx.notes.push(
        `${r.slo_unknown} requests${r.grp === null ? '' : ` in ${r.grp}`} lack a value for an SLO metric (${Object.keys(slo).join(', ')}) and do not count as good`,
      );
    }
  }
  return rows.map((r) => {
    const dur = r.duration_s && r.duration_s > 0 ? r.duration_s : null;
    const perS = (x: number | null) => (dur !== null && x !== null ? x / dur : null);
    const succeeded = r.n - r.errors;
    const row = r as unknown as Record<string, unknown>;
    const itlRow = itl.get(r.grp);
    return {
      key: r.grp,
      basis: 'requests',
      requests: r.n,
      errors: r.errors,
      error_rate: r.n ? r.errors / r.n : null,
      flagged: r.flagged,
      duration_s: dur,
      throughput: {
        requests_per_s: perS(succeeded),
        input_tokens_per_s: perS(r.in_tok),
        output_tokens_per_s: perS(r.out_tok),
      },
      latency: {
        ttft: readDist(row, 'ttft'),
        tpot: readDist(row, 'tpot'),
        itl: itlRow?.itl ?? null,
        itl_chunk: itlRow?.itl_chunk ?? null,
        e2e: readDist(row, 'e2e'),
        queue: readDist(row, 'queue'),
      },
      goodput: slo
        ? { requests_per_s: perS(r.good), fraction: r.n ? r.good / r.n : null, good: r.good }
        : null,
    } satisfies GroupSummary;
  });
}

async function itlDistributions(ctx: SummaryContext, base: string) {
  const sql = `
WITH base AS (${base}),
c AS (
  SELECT b.grp, ch.gap_s, ch.itl_per_token_s, ch.tokens
  FROM chunks ch JOIN base b ON ch.ingest_id = b.ingest_id AND ch.request_id = b.request_id
  WHERE b.status = 'ok' AND b.timing_ok
),
per_token AS (
  SELECT grp, itl_per_token_s FROM c, range(c.tokens) WHERE itl_per_token_s IS NOT NULL
),
chunk_agg AS (SELECT grp, ${distSql('chunk', 'gap_s', 'TRUE')} FROM c GROUP BY grp),
token_agg AS (SELECT grp, ${distSql('tok', 'itl_per_token_s', 'TRUE')} FROM per_token GROUP BY grp)
SELECT ca.grp, ${distCols('chunk')}, ${distCols('tok')}
FROM chunk_agg ca LEFT JOIN token_agg ta ON ca.grp IS NOT DISTINCT FROM ta.grp`;
  const rows = await ctx.store.query(sql, {
    grp: 'text?',
    ...distSpec('chunk'),
    ...distSpec('tok'),
  });
  const out = new Map<
    string | null,
    { itl: Distribution | null; itl_chunk: Distribution | null }
  >();
  for (const r of rows) {
    const row = r as unknown as Record<string, unknown>;
    out.set(r.grp, { itl: readDist(row, 'tok'), itl_chunk: readDist(row, 'chunk') });
  }
  return out;
}
