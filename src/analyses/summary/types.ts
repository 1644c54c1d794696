/** @module Result types of the summary analysis (plain, JSON-able data). */

export const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** A latency distribution in seconds. */
export interface Distribution {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  /** True when quantiles are interpolated from server histogram buckets. */
  estimate?: boolean;
}

export type Basis = 'requests' | 'server_histograms' | 'reported';

export interface GroupSummary {
  /** Value of the --by dimension; null when the records do not carry it. */
  key: string | null;
  /** What the figures are computed from. */
  basis: Basis;
  /** For `server_histograms` groups: the server family (vllm, sglang, otel, otel-client, ...). */
  server?: string;
  /** For `reported` groups: the run the tool's figures describe. */
  run?: { ingest_id: string; run_id: string; name: string };
  requests: number;
  errors: number;
  error_rate: number | null;
  /** Requests whose timings were flagged (clock skew, out of order) and left out of latencies. */
  flagged: number;
  duration_s: number | null;
  throughput: {
    requests_per_s: number | null;
    input_tokens_per_s: number | null;
    output_tokens_per_s: number | null;
  };
  latency: {
    ttft: Distribution | null;
    tpot: Distribution | null;
    /** Per-token inter-token latency (chunk gaps spread over the chunk's tokens). */
    itl: Distribution | null;
    /** Per-chunk gap, as vLLM/SGLang bench report "ITL". */
    itl_chunk: Distribution | null;
    e2e: Distribution | null;
    queue: Distribution | null;
  };
  goodput: { requests_per_s: number | null; fraction: number | null; good: number } | null;
  /** For `reported` groups: the tools' own definitions where they differ from ours. */
  definitions?: Record<string, string>;
}

export interface SummaryResult {
  by: string;
  window: { start_ns: string | null; end_ns: string | null };
  slo: Record<string, number> | null;
  groups: GroupSummary[];
  notes: string[];
}
