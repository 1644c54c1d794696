/**
 * @module Canonical metric identifiers, shared by sources (which map native names onto them) and
 * analyses (which read them). Definitions live in docs/metrics.md.
 */

/** Latency metrics, all in seconds. */
export const LATENCY_METRICS = {
  ttft: 'time to first token: request start (at the vantage point) → first output token',
  tpot: 'time per output token after the first: (last token − first token) / (output tokens − 1)',
  itl: 'inter-token latency per token: each chunk gap spread evenly over the chunk’s tokens',
  itl_chunk: 'inter-chunk latency: gap between successive streamed chunks',
  e2e: 'end-to-end latency: request start → response complete',
  queue: 'queue time: entered the engine queue → first scheduled',
  prefill: 'prefill time: first scheduled → first token',
  decode: 'decode time: first token → last token',
  inference: 'inference time: first scheduled → last token',
} as const;

export type LatencyMetric = keyof typeof LATENCY_METRICS;

/** Other canonical metric names used across sources (server scrapes, OTLP metrics, tool reports). */
export const OTHER_METRICS = {
  requests_running: 'requests in the running batch (gauge)',
  requests_waiting: 'requests waiting to be scheduled (gauge)',
  kv_usage: 'KV-cache usage fraction 0..1 (gauge)',
  prompt_tokens: 'prompt tokens processed (counter) or per request (histogram)',
  output_tokens: 'output tokens generated (counter) or per request (histogram)',
  requests_finished: 'finished requests (counter; label finished_reason)',
  preemptions: 'preemptions (counter)',
  prefix_cache_queries: 'prefix-cache token queries (counter)',
  prefix_cache_hits: 'prefix-cache token hits (counter)',
  iteration_tokens: 'tokens per engine step (histogram)',
  requests_failed: 'failed requests (counter)',
  e2e_time_total: 'request seconds summed over all requests (counter; Triton request duration)',
  queue_time_total: 'queue seconds summed over all requests (counter; Triton queue duration)',
  inference_time_total:
    'model execution seconds summed over all requests (counter; Triton compute infer duration)',
  request_throughput: 'requests per second (rate)',
  output_token_throughput: 'output tokens per second (rate)',
  input_token_throughput: 'input tokens per second (rate)',
  total_token_throughput: 'input + output tokens per second (rate)',
  goodput: 'requests per second meeting every SLO (rate)',
  error_rate: 'failed / all requests (ratio)',
  client_queue: 'client-side wait before sending (seconds)',
  e2e_incl_client_queue: 'end-to-end including client-side wait (seconds)',
} as const;

export function isLatencyMetric(name: string): name is LatencyMetric {
  return name in LATENCY_METRICS;
}
