/**
 * @module Summary figures the tools reported themselves, for runs without per-request records
 * (summary-only files such as llmperf summaries or SGLang's short bench output). Percentiles of
 * different runs cannot be merged, so each run is its own group, and metrics whose tool
 * definition differs from ours say so.
 */

import type { SummaryContext } from './summary.js';
import type { Distribution, GroupSummary } from './types.js';

const STAT_FIELD: Record<string, keyof Distribution> = {
  mean: 'mean',
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  'p99.9': 'p999',
};

export async function reportedSummaries(ctx: SummaryContext): Promise<GroupSummary[]> {
  // A window keeps the runs that overlap it; runs without wall-clock times cannot be placed.
  const { start, end } = ctx.window;
  const windowed = start !== undefined || end !== undefined;
  const windowSql = windowed
    ? [
        `r.clock = 'epoch'`,
        end !== undefined ? `coalesce(r.t_start_ns, r.t_end_ns) < ${end}` : 'TRUE',
        start !== undefined ? `coalesce(r.t_end_ns, r.t_start_ns) >= ${start}` : 'TRUE',
      ].join(' AND ')
    : 'TRUE';
  if (windowed) {
    const [{ n }] = await ctx.store.query(
      `SELECT count(DISTINCT (ingest_id, run_id)) AS n FROM run r
       WHERE (r.clock <> 'epoch' OR (r.t_start_ns IS NULL AND r.t_end_ns IS NULL))
         AND EXISTS (SELECT 1 FROM run_stat s WHERE s.ingest_id = r.ingest_id AND s.run_id = r.run_id)`,
      { n: 'int' },
    );
    if (n > 0)
      ctx.notes.push(`${n} reported runs have no wall-clock times and are outside any --window`);
  }
  const grpSql =
    ctx.key.labelKey === null
      ? 'NULL::VARCHAR'
      : ctx.key.labelKey === 'model'
        ? 's.model'
        : `json_extract_string(s.labels, '$."${ctx.key.labelKey}"')`;
  const rows = await ctx.store.query(
    `SELECT ${grpSql} AS grp, s.ingest_id, s.run_id, coalesce(s.run_name, s.run_id) AS run_name, s.metric, s.stat, s.value,
       s.definition, r.completed, r.failed, r.duration_s
     FROM run_stats s JOIN run r USING (ingest_id, run_id)
     WHERE NOT EXISTS (SELECT 1 FROM request q WHERE q.ingest_id = s.ingest_id AND q.run_id IS NOT DISTINCT FROM s.run_id)
       AND ${windowSql}
     -- One definition per metric and run: ours (no definition) when the tool reported it, else the
     -- first other definition; statistics under different definitions are never mixed.
     QUALIFY coalesce(s.definition, '') = min(coalesce(s.definition, '')) OVER (PARTITION BY s.ingest_id, s.run_id, s.metric)
     ORDER BY grp NULLS FIRST, s.ingest_id, s.run_id, s.metric, s.stat, s.native_name`,
    {
      grp: 'text?',
      ingest_id: 'text',
      run_id: 'text',
      run_name: 'text',
      metric: 'text',
      stat: 'text',
      value: 'float',
      definition: 'text?',
      completed: 'int?',
      failed: 'int?',
      duration_s: 'float?',
    },
  );
  const runs = new Map<string, { group: GroupSummary; dists: Map<string, Distribution> }>();
  for (const r of rows) {
    const id = `${r.ingest_id}/${r.run_id}`;
    let run = runs.get(id);
    if (!run) {
      const requests = (r.completed ?? 0) + (r.failed ?? 0);
      run = {
        dists: new Map(),
        group: {
          key: r.grp,
          basis: 'reported',
          run: { ingest_id: r.ingest_id, run_id: r.run_id, name: r.run_name },
          requests,
          errors: r.failed ?? 0,
          error_rate: requests ? (r.failed ?? 0) / requests : null,
          flagged: 0,
          duration_s: r.duration_s,
          throughput: { requests_per_s: null, input_tokens_per_s: null, output_tokens_per_s: null },
          latency: { ttft: null, tpot: null, itl: null, itl_chunk: null, e2e: null, queue: null },
          goodput: null,
          definitions: {},
        },
      };
      runs.set(id, run);
    }
    const g = run.group;
    if (r.stat === 'rate') {
      if (r.metric === 'request_throughput') g.throughput.requests_per_s = r.value;
      if (r.metric === 'output_token_throughput') g.throughput.output_tokens_per_s = r.value;
      if (r.metric === 'input_token_throughput') g.throughput.input_tokens_per_s = r.value;
      if (r.metric === 'goodput') g.goodput = { requests_per_s: r.value, fraction: null, good: 0 };
      continue;
    }
    if (r.metric === 'error_rate' && r.stat === 'value') {
      g.error_rate = r.value;
      continue;
    }
    if (!(r.metric in g.latency) || !(r.stat in STAT_FIELD)) continue;
    let d = run.dists.get(r.metric);
    if (!d) {
      d = { count: r.completed ?? 0, mean: null, p50: null, p90: null, p99: null, p999: null };
      run.dists.set(r.metric, d);
      (g.latency as Record<string, Distribution | null>)[r.metric] = d;
    }
    (d as unknown as Record<string, number>)[STAT_FIELD[r.stat]] = r.value;
    if (r.definition) g.definitions![r.metric] = r.definition;
  }
  const out = [...runs.values()].map((r) => r.group);
  if (out.length) {
    ctx.notes.push(
      'reported: figures as the tools reported them (not recomputed); see `definitions` where a tool defines a metric differently',
    );
  }
  return out;
}
