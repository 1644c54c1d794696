/**
 * @module The canonical views: the documented surface of `inferscope sql` and of every analysis.
 * Metric definitions follow docs/metrics.md; each derived column is computed here once.
 */

export interface ViewDef {
  name: string;
  doc: string;
  sql: string;
}

/** A label from the ingest's --label set. */
const label = (key: string) => `json_extract_string(i.labels, '$.${key}')`;

export const VIEWS: readonly ViewDef[] = [
  {
    name: 'requests',
    doc: 'one row per request with ingest labels applied and every derived latency (seconds)',
    sql: `
SELECT r.* EXCLUDE (model, pool, replica, config_id, hardware),
  coalesce(r.model, ${label('model')}) AS model,
  coalesce(r.pool, ${label('pool')}) AS pool,
  coalesce(r.replica, ${label('replica')}) AS replica,
  coalesce(r.config_id, ${label('config')}) AS config_id,
  coalesce(r.hardware, ${label('hardware')}) AS hardware,
  i.labels AS labels,
  i.format AS format,
  coalesce(r.t_client_send_ns, r.t_router_in_ns, r.t_replica_arrival_ns, r.t_queued_ns) AS t_start_ns,
  coalesce(r.t_end_ns, r.t_last_token_ns) AS t_finish_ns,
  (r.t_first_token_ns - coalesce(r.t_client_send_ns, r.t_router_in_ns, r.t_replica_arrival_ns, r.t_queued_ns)) / 1e9 AS ttft_s,
  (coalesce(r.t_end_ns, r.t_last_token_ns) - coalesce(r.t_client_send_ns, r.t_router_in_ns, r.t_replica_arrival_ns, r.t_queued_ns)) / 1e9 AS e2e_s,
  CASE WHEN r.output_tokens > 1 THEN (r.t_last_token_ns - r.t_first_token_ns) / 1e9 / (r.output_tokens - 1) END AS tpot_s,
  (r.t_scheduled_ns - r.t_queued_ns) / 1e9 AS queue_s,
  (r.t_first_token_ns - r.t_scheduled_ns) / 1e9 AS prefill_s,
  (r.t_last_token_ns - r.t_first_token_ns) / 1e9 AS decode_s,
  (r.t_last_token_ns - r.t_scheduled_ns) / 1e9 AS inference_s,
  (r.t_router_out_ns - r.t_router_in_ns) / 1e9 AS router_s,
  r.flags IS NULL AS timing_ok
FROM request r JOIN ingest i USING (ingest_id)`,
  },
  {
    name: 'chunks',
    doc: 'one row per streamed chunk with the gap since the previous token-bearing chunk (ITL per chunk) and per token',
    // Gaps are measured from the previous chunk that carried tokens, so an empty keep-alive chunk
    // neither creates a gap nor swallows the time before the next token.
    sql: `
SELECT c.* EXCLUDE (prev_ns),
  CASE WHEN c.seq > 0 AND coalesce(c.tokens, 1) > 0 THEN (c.t_arrival_ns - c.prev_ns) / 1e9 END AS gap_s,
  CASE WHEN c.seq > 0 AND c.tokens > 0 THEN (c.t_arrival_ns - c.prev_ns) / 1e9 / c.tokens END AS itl_per_token_s
FROM (
  SELECT *, last_value(CASE WHEN coalesce(tokens, 1) > 0 THEN t_arrival_ns END IGNORE NULLS) OVER (
      PARTITION BY ingest_id, request_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS prev_ns
  FROM chunk
) c`,
  },
  {
    name: 'metric_samples',
    doc: 'metric samples with ingest labels; value and count already in canonical units',
    sql: `
SELECT m.*, i.labels AS ingest_labels, i.format AS format
FROM metric_sample m JOIN ingest i USING (ingest_id)`,
  },
  {
    name: 'metric_buckets',
    doc: 'histogram buckets joined to their sample (name, labels, time)',
    sql: `
SELECT b.ingest_id, b.sample_id, m.t_ns, m.server, m.name, m.labels, b.le, b.count
FROM metric_bucket b JOIN metric_sample m USING (ingest_id, sample_id)`,
  },
  {
    name: 'runs',
    doc: 'benchmark runs (stages, experiments) with ingest labels',
    sql: `SELECT r.*, i.labels AS labels, i.path AS path FROM run r JOIN ingest i USING (ingest_id)`,
  },
  {
    name: 'run_stats',
    doc: 'statistics the tools reported, in canonical units, beside the run they describe',
    sql: `
SELECT s.*, r.tool, r.name AS run_name, coalesce(r.model, ${label('model')}) AS model, i.labels AS labels
FROM run_stat s JOIN ingest i USING (ingest_id) LEFT JOIN run r USING (ingest_id, run_id)`,
  },
  {
    name: 'ingests',
    doc: 'provenance: one row per ingested file',
    sql: `SELECT * FROM ingest`,
  },
];
