/**
 * @module Native Prometheus metric names of inference servers → canonical metric ids
 * (schema/metric-names.ts), keyed by (server, version). Names drift between versions and some
 * servers expose a deprecated and a current name side by side, so when two native names of one
 * file map to the same canonical id and kind, only the first in table order takes the id.
 */

import type { MetricKind } from './families.js';

export interface Alias {
  /** Family name as exposed, without the `_total` suffix of counters. */
  native: string;
  /** Canonical id. */
  name: string;
  kind: MetricKind;
  /** Multiply native values (and histogram bounds) by this to reach canonical units. */
  unitScale?: number;
  /** Only series whose labels have these values (one native family, several meanings). */
  match?: Record<string, string>;
}

/** Server families recognised from metric-name prefixes (first match wins). */
export const SERVER_PREFIXES: readonly [string, string][] = [
  ['vllm:', 'vllm'],
  ['sglang:', 'sglang'],
  ['tgi_', 'tgi'],
  ['llamacpp:', 'llamacpp'],
  ['nv_', 'triton'],
  ['trtllm_', 'trtllm'],
  ['inference_objective_', 'gie'],
  ['inference_pool_', 'gie'],
  ['inference_extension_', 'gie'],
];

export function serverOfName(name: string): string | undefined {
  for (const [prefix, server] of SERVER_PREFIXES) if (name.startsWith(prefix)) return server;
  return undefined;
}

const a = (
  native: string,
  name: string,
  kind: MetricKind,
  extra: Partial<Pick<Alias, 'unitScale' | 'match'>> = {},
): Alias => ({ native, name, kind, ...extra });

const VLLM_COMMON: readonly Alias[] = [
  a('vllm:num_requests_running', 'requests_running', 'gauge'),
  a('vllm:num_requests_waiting', 'requests_waiting', 'gauge'),
  a('vllm:num_preemptions', 'preemptions', 'counter'),
  a('vllm:prompt_tokens', 'prompt_tokens', 'counter'),
  a('vllm:generation_tokens', 'output_tokens', 'counter'),
  a('vllm:request_success', 'requests_finished', 'counter'),
  a('vllm:time_to_first_token_seconds', 'ttft', 'histogram'),
  a('vllm:e2e_request_latency_seconds', 'e2e', 'histogram'),
  a('vllm:request_queue_time_seconds', 'queue', 'histogram'),
  a('vllm:request_prefill_time_seconds', 'prefill', 'histogram'),
  a('vllm:request_decode_time_seconds', 'decode', 'histogram'),
  a('vllm:request_inference_time_seconds', 'inference', 'histogram'),
  a('vllm:request_prompt_tokens', 'prompt_tokens', 'histogram'),
  a('vllm:request_generation_tokens', 'output_tokens', 'histogram'),
  a('vllm:iteration_tokens_total', 'iteration_tokens', 'histogram'),
];

/** Maps every version-specific name; current names first so they win over deprecated ones. */
export const ALIASES: Record<string, Record<string, readonly Alias[]>> = {
  vllm: {
    v1: [
      ...VLLM_COMMON,
      a('vllm:kv_cache_usage_perc', 'kv_usage', 'gauge'),
      a('vllm:gpu_cache_usage_perc', 'kv_usage', 'gauge'),
      a('vllm:inter_token_latency_seconds', 'itl', 'histogram'),
      a('vllm:time_per_output_token_seconds', 'itl', 'histogram'),
      a('vllm:request_time_per_output_token_seconds', 'tpot', 'histogram'),
      a('vllm:prefix_cache_queries', 'prefix_cache_queries', 'counter'),
      a('vllm:gpu_prefix_cache_queries', 'prefix_cache_queries', 'counter'),
      a('vllm:prefix_cache_hits', 'prefix_cache_hits', 'counter'),
      a('vllm:gpu_prefix_cache_hits', 'prefix_cache_hits', 'counter'),
    ],
    v0: [
      ...VLLM_COMMON,
      a('vllm:gpu_cache_usage_perc', 'kv_usage', 'gauge'),
      a('vllm:time_per_output_token_seconds', 'itl', 'histogram'),
      // A V0 duplicate of request_queue_time_seconds; used only when that one is absent.
      a('vllm:time_in_queue_requests', 'queue', 'histogram'),
      a('vllm:gpu_prefix_cache_queries', 'prefix_cache_queries', 'counter'),
      a('vllm:gpu_prefix_cache_hits', 'prefix_cache_hits', 'counter'),
    ],
  },
  sglang: {
    any: [
      a('sglang:num_running_reqs', 'requests_running', 'gauge'),
      a('sglang:num_queue_reqs', 'requests_waiting', 'gauge'),
      a('sglang:token_usage', 'kv_usage', 'gauge'),
      a('sglang:prompt_tokens', 'prompt_tokens', 'counter'),
      a('sglang:generation_tokens', 'output_tokens', 'counter'),
      a('sglang:cached_tokens', 'prefix_cache_hits', 'counter'),
      a('sglang:num_requests', 'requests_finished', 'counter'),
      a('sglang:num_retracted_requests', 'preemptions', 'counter'),
      a('sglang:time_to_first_token_seconds', 'ttft', 'histogram'),
      // Observed per token (interval / new tokens), so it is our per-token ITL.
      a('sglang:inter_token_latency_seconds', 'itl', 'histogram'),
      a('sglang:e2e_request_latency_seconds', 'e2e', 'histogram'),
      a('sglang:queue_time_seconds', 'queue', 'histogram'),
      a('sglang:prompt_tokens_histogram', 'prompt_tokens', 'histogram'),
      a('sglang:generation_tokens_histogram', 'output_tokens', 'histogram'),
      // Not mapped: sglang:time_per_output_token_seconds (older builds observe the running
      // (now − first token)/(n − 1) at every streamed output, neither our TPOT nor our ITL).
    ],
  },
  tgi: {
    any: [
      a('tgi_request_duration', 'e2e', 'histogram'),
      a('tgi_request_queue_duration', 'queue', 'histogram'),
      a('tgi_request_inference_duration', 'inference', 'histogram'),
      a('tgi_request_input_length', 'prompt_tokens', 'histogram'),
      a('tgi_request_generated_tokens', 'output_tokens', 'histogram'),
      a('tgi_queue_size', 'requests_waiting', 'gauge'),
      a('tgi_batch_current_size', 'requests_running', 'gauge'),
      a('tgi_request_success', 'requests_finished', 'counter'),
      a('tgi_request_failure', 'requests_failed', 'counter'),
      // Not mapped: tgi_request_mean_time_per_token_duration = inference time / generated
      // tokens, which includes prefill: not our TPOT. It keeps its native name.
    ],
  },
  llamacpp: {
    any: [
      a('llamacpp:prompt_tokens', 'prompt_tokens', 'counter'),
      a('llamacpp:tokens_predicted', 'output_tokens', 'counter'),
      a('llamacpp:requests_processing', 'requests_running', 'gauge'),
      a('llamacpp:requests_deferred', 'requests_waiting', 'gauge'),
      a('llamacpp:kv_cache_usage_ratio', 'kv_usage', 'gauge'),
    ],
  },
  triton: {
    any: [
      a('nv_trt_llm_request_metrics', 'requests_waiting', 'gauge', {
        match: { request_type: 'waiting' },
      }),
      a('nv_trt_llm_request_metrics', 'requests_running', 'gauge', {
        match: { request_type: 'scheduled' },
      }),
      a('nv_trt_llm_kv_cache_block_metrics', 'kv_usage', 'gauge', {
        match: { kv_cache_block_type: 'fraction' },
      }),
      a('nv_inference_pending_request_count', 'requests_waiting', 'gauge'),
      a('nv_inference_request_success', 'requests_finished', 'counter'),
      a('nv_inference_request_failure', 'requests_failed', 'counter'),
      a('nv_inference_request_duration_us', 'e2e_time_total', 'counter', { unitScale: 1e-6 }),
      a('nv_inference_queue_duration_us', 'queue_time_total', 'counter', { unitScale: 1e-6 }),
      a('nv_inference_compute_infer_duration_us', 'inference_time_total', 'counter', {
        unitScale: 1e-6,
      }),
      a('nv_inference_first_response_histogram_ms', 'ttft', 'histogram', { unitScale: 1e-3 }),
    ],
  },
  trtllm: {
    any: [
      a('trtllm_num_requests_waiting', 'requests_waiting', 'gauge'),
      a('trtllm_num_requests_running', 'requests_running', 'gauge'),
      a('trtllm_kv_cache_utilization', 'kv_usage', 'gauge'),
    ],
  },
};

/** vLLM V1 markers: the `engine` label or names that V0 never had. */
const VLLM_V1_NAMES = new Set([
  'vllm:kv_cache_usage_perc',
  'vllm:inter_token_latency_seconds',
  'vllm:request_time_per_output_token_seconds',
  'vllm:prefix_cache_queries',
  'vllm:prefix_cache_hits',
  'vllm:prompt_tokens_by_source',
  'vllm:request_prefill_kv_computed_tokens',
]);

/** The version key of a server's table, from the native names present in the file. */
export function detectVersion(
  server: string,
  natives: ReadonlySet<string>,
  hasEngineLabel: boolean,
): string {
  if (server !== 'vllm') return 'any';
  if (hasEngineLabel) return 'v1';
  for (const n of natives) if (VLLM_V1_NAMES.has(n)) return 'v1';
  return 'v0';
}

function matches(alias: Alias, labels: Record<string, string>): boolean {
  if (!alias.match) return true;
  return Object.entries(alias.match).every(([k, v]) => labels[k] === v);
}

/** Alias lookup for one file: built from the names present, with duplicates resolved. */
export interface AliasResolver {
  resolve(server: string, native: string, labels: Record<string, string>): Alias | undefined;
  /** Native names that lost a canonical id to another name of the same meaning. */
  demoted: { native: string; winner: string; name: string }[];
  versions: Record<string, string>;
}

/**
 * Builds the resolver for the (server, native name) pairs found in a file. `natives` holds the
 * family names without the `_total` counter suffix.
 */
export function buildResolver(
  present: ReadonlyMap<string, ReadonlySet<string>>,
  engineLabel: ReadonlySet<string>,
): AliasResolver {
  const byServer = new Map<string, Map<string, Alias[]>>();
  const demoted: AliasResolver['demoted'] = [];
  const versions: Record<string, string> = {};
  for (const [server, natives] of present) {
    const version = detectVersion(server, natives, engineLabel.has(server));
    versions[server] = version;
    const table = ALIASES[server]?.[version] ?? [];
    const taken = new Map<string, string>();
    const map = new Map<string, Alias[]>();
    for (const alias of table) {
      if (!natives.has(alias.native)) continue;
      const key = `${alias.name}\u0000${alias.kind}`;
      const winner = taken.get(key);
      if (winner !== undefined && winner !== alias.native) {
        demoted.push({ native: alias.native, winner, name: alias.name });
        continue;
      }
      taken.set(key, alias.native);
      map.set(alias.native, [...(map.get(alias.native) ?? []), alias]);
    }
    byServer.set(server, map);
  }
  return {
    demoted,
    versions,
    resolve(server, native, labels) {
      const list = byServer.get(server)?.get(native);
      return list?.find((x) => matches(x, labels));
    },
  };
}

/**
 * One-off lookup without file context (OTLP metrics that carry Prometheus names): every
 * version's table, current names first.
 */
export function lookupAlias(
  server: string,
  native: string,
  labels: Record<string, string>,
): Alias | undefined {
  const tables = ALIASES[server];
  if (!tables) return undefined;
  const order = server === 'vllm' ? ['v1', 'v0'] : Object.keys(tables);
  for (const v of order) {
    const hit = tables[v]?.find((x) => x.native === native && matches(x, labels));
    if (hit) return hit;
  }
  return undefined;
}
