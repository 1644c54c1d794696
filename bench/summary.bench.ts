/**
 * @module Summary speed: `summarize()` over N synthetic requests inserted straight into the
 * request table, against hand-written DuckDB SQL computing the same counts, sums, spans and
 * quantiles on the table. Target: ours ≤ 1.5 × the hand-written query.
 */

import { join } from 'node:path';
import { summarize } from '../src/analyses/summary/summary.js';
import { Store } from '../src/store/store.js';
import { benchDir, median, timed } from './common.js';

export interface SummaryBenchOptions {
  rows: number;
  repeat: number;
  log?: (line: string) => void;
}

export interface SummaryBenchResult {
  rows: number;
  ours_s: number[];
  sql_s: number[];
  /** ours / hand-written, in time (target ≤ 1.5). */
  ratio: number;
}

const INGEST_ID = 'bench000000000000';

/** 10M-ish requests: epoch clock, client vantage, 1% errors, 0.5% flagged, 3 models. */
function insertSql(rows: number): string {
  return `
INSERT INTO request BY NAME
SELECT
  '${INGEST_ID}' AS ingest_id,
  '0' AS run_id,
  CAST(i AS VARCHAR) AS request_id,
  ['llama-3.1-8b', 'llama-3.1-70b', 'qwen2.5-32b'][1 + i % 3] AS model,
  'client' AS vantage,
  'epoch' AS clock,
  send AS t_client_send_ns,
  send + 1000000 AS t_queued_ns,
  send + 1000000 + queue AS t_scheduled_ns,
  send + ttft AS t_first_token_ns,
  send + ttft + decode AS t_last_token_ns,
  send + ttft + decode + 100000 AS t_end_ns,
  16 + hash(i) % 8000 AS prompt_tokens,
  out AS output_tokens,
  CASE WHEN i % 100 = 0 THEN 'error' ELSE 'ok' END AS status,
  CASE WHEN i % 200 = 7 THEN 'out_of_order' END AS flags
FROM (
  SELECT i,
    1763640000000000000 + i * 10000000 AS send,
    (hash(i * 7) % 50000000) AS queue,
    60000000 + hash(i * 7) % 50000000 + hash(i * 13) % 400000000 AS ttft,
    2 + hash(i * 17) % 1000 AS out,
    (2 + hash(i * 17) % 1000 - 1) * (15000000 + hash(i * 19) % 30000000) AS decode
  FROM range(${rows}) r(i)
)`;
}

/** The same figures as the summary's request basis, written directly against the table. */
const HAND_SQL = `
WITH r AS (
  SELECT status, flags IS NULL AS ok_timing, prompt_tokens, output_tokens,
    t_client_send_ns AS t0, t_end_ns AS t1,
    (t_first_token_ns - t_client_send_ns) / 1e9 AS ttft,
    CASE WHEN output_tokens > 1 THEN (t_last_token_ns - t_first_token_ns) / 1e9 / (output_tokens - 1) END AS tpot,
    (t_end_ns - t_client_send_ns) / 1e9 AS e2e,
    (t_scheduled_ns - t_queued_ns) / 1e9 AS queue
  FROM request
)
SELECT count(*) AS n,
  count(*) FILTER (WHERE status <> 'ok') AS errors,
  count(*) FILTER (WHERE NOT ok_timing) AS flagged,
  sum(prompt_tokens) FILTER (WHERE status = 'ok') AS in_tok,
  sum(output_tokens) FILTER (WHERE status = 'ok') AS out_tok,
  (max(t1) - min(t0)) / 1e9 AS span_s,
  ${['ttft', 'tpot', 'e2e', 'queue']
    .map(
      (m) =>
        `quantile_cont(${m}, [0.5, 0.9, 0.99, 0.999]) FILTER (WHERE status = 'ok' AND ok_timing) AS ${m}_q, avg(${m}) FILTER (WHERE status = 'ok' AND ok_timing) AS ${m}_mean, count(${m}) FILTER (WHERE status = 'ok' AND ok_timing) AS ${m}_n`,
    )
    .join(',\n  ')}
FROM r`;

export async function benchSummary(o: SummaryBenchOptions): Promise<SummaryBenchResult> {
  const log = o.log ?? (() => undefined);
  const { dir, cleanup } = benchDir('inferscope-bench-summary-');
  const store = await Store.open(join(dir, 'summary.duckdb'));
  try {
    await store.run(
      `INSERT INTO ingest VALUES ('${INGEST_ID}', 'bench', 'bench', 'bench', 0, 0, '{}', '{}', '{}', 1)`,
    );
    const insS = await timed(() => store.run(insertSql(o.rows)));
    await store.run('CHECKPOINT');
    log(`inserted ${o.rows} requests in ${insS.toFixed(1)} s`);
    // Check both compute the same figures before timing them.
    const ours = await summarize(store);
    const hand = await store.queryRaw(HAND_SQL);
    const g = ours.groups[0];
    const h = hand[0] as { n: bigint; errors: bigint; ttft_q: number[] };
    if (g.requests !== Number(h.n) || g.errors !== Number(h.errors))
      throw new Error(`summary disagrees with the hand-written SQL: ${g.requests} vs ${h.n}`);
    const oursS: number[] = [];
    const sqlS: number[] = [];
    for (let i = 0; i < o.repeat; i++) {
      const runs = [
        async () => oursS.push(await timed(() => summarize(store))),
        async () => sqlS.push(await timed(() => store.queryRaw(HAND_SQL))),
      ];
      if (i % 2) runs.reverse();
      for (const run of runs) await run();
      log(`  summary #${i + 1}: ours ${oursS[i].toFixed(2)} s, sql ${sqlS[i].toFixed(2)} s`);
    }
    return { rows: o.rows, ours_s: oursS, sql_s: sqlS, ratio: median(oursS) / median(sqlS) };
  } finally {
    store.close();
    cleanup();
  }
}
