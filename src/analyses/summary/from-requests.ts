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
  const okTiming = `status = 'ok' AND timing_ok`;
  const good = slo
    ? Object.entries(slo)
        .map(([k, v]) => (k === 'tpot' ? `coalesce(tpot_s, 0) <= ${v}` : `${k}_s <= ${v}`))
        .join(' AND ')
    : 'FALSE';

  const sql = `
WITH base AS (${base}),
agg AS (
  SELECT grp,
    count(*) AS n,
    count(*) FILTER (WHERE status <> 'ok') AS errors,
    count(*) FILTER (WHERE NOT timing_ok) AS flagged,
    sum(prompt_tokens) FILTER (WHERE status = 'ok') AS in_tok,
    sum(output_tokens) FILTER (WHERE status = 'ok') AS out_tok,
    count(*) FILTER (WHERE ${okTiming} AND ${good}) AS good,
    ${LATENCIES.map((m) => distSql(m, `${m}_s`, okTiming)).join(',\n    ')}
  FROM base GROUP BY grp
),
spans AS (
  -- Wall-clock records share one window per group; run-clock records span their own run.
  SELECT grp, (max(t_finish_ns) - min(t_start_ns)) / 1e9 AS span_s
  FROM base WHERE clock <> 'request'
  GROUP BY grp, CASE WHEN clock = 'epoch' THEN '' ELSE ingest_id || '/' || coalesce(run_id, '') END
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
SELECT a.grp, a.n, a.errors, a.flagged, a.in_tok, a.out_tok, a.good, d.duration_s,
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
    duration_s: 'float?',
    ...distSpec('ttft'),
    ...distSpec('tpot'),
    ...distSpec('e2e'),
    ...distSpec('queue'),
  } as const;
  const rows = await store.query(sql, spec);
  if (rows.length === 0) return [];

  const itl = await itlDistributions(ctx, base);
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
