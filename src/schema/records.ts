/**
 * @module The canonical record kinds. Real and simulated telemetry land in these, so every
 * analysis runs unchanged on a production export, the lab, and the simulator.
 *
 * Conventions: timestamps are int64 ns (`_ns`), durations float seconds (`_s`); every record
 * carries `ingest_id`, the provenance row it came from. Optional fields are NULL when the
 * source does not know them: never guessed.
 */

import { z } from 'zod';
import { count, float, int, json, nonneg, ns, oneOf, text } from './columns.js';

/**
 * Which origin a record's `_ns` timestamps count from.
 * - `epoch`: ns since the Unix epoch (wall clock).
 * - `run`: ns since an unknown origin shared by the whole run (monotonic clocks).
 * - `request`: ns since this request's own start: only durations are known.
 */
export const CLOCKS = ['epoch', 'run', 'request'] as const;
export type Clock = (typeof CLOCKS)[number];

/** Where the timings were taken: by a client, a router/gateway, a model server, or a trace. */
export const VANTAGES = ['client', 'router', 'server', 'trace', 'simulator'] as const;

export const REQUEST_STATUSES = ['ok', 'error', 'aborted'] as const;

const ingestId = text('provenance row this record came from');

export const ingestRecord = z.object({
  ingest_id: text('content digest prefix; primary key'),
  path: text('file path as given'),
  digest_sha256: text('SHA-256 of the file bytes'),
  format: text('source format name, see `inferscope formats`'),
  byte_size: count('file size in bytes'),
  ingested_at_ns: ns('wall time of the ingest'),
  labels: json('labels given with --label'),
  counts: json('records written per kind'),
  flags: json('flagged-record counts per flag code'),
  schema_version: int('canonical schema version at ingest'),
});

export const runRecord = z.object({
  ingest_id: ingestId,
  run_id: text('run within the file (stage, line or experiment)'),
  tool: text('tool that produced the run (vllm-bench, guidellm, ...)'),
  tool_version: text('tool or results version').optional(),
  name: text('label or name given by the tool').optional(),
  model: text('model name').optional(),
  clock: oneOf(CLOCKS, 'clock of t_start_ns / t_end_ns'),
  t_start_ns: ns('run start').optional(),
  t_end_ns: ns('run end').optional(),
  duration_s: nonneg('benchmark duration as the tool defines it').optional(),
  request_rate: float('requested rate in req/s; Infinity for "inf"').optional(),
  max_concurrency: count('concurrency cap').optional(),
  completed: count('requests completed, as reported').optional(),
  failed: count('requests failed, as reported').optional(),
  config: json('other run parameters').optional(),
});

export const requestRecord = z.object({
  ingest_id: ingestId,
  run_id: text('run this request belongs to').optional(),
  request_id: text('request id from the source, or its index in the file'),
  trace_id: text('distributed trace id').optional(),
  session_id: text('session or conversation id').optional(),
  model: text('model name').optional(),
  pool: text('replica pool').optional(),
  replica: text('replica or instance').optional(),
  config_id: text('serving configuration id').optional(),
  hardware: text('hardware').optional(),
  vantage: oneOf(VANTAGES, 'who measured the timestamps'),
  clock: oneOf(CLOCKS, 'origin of the _ns timestamps'),
  t_client_send_ns: ns('client sent the request').optional(),
  t_router_in_ns: ns('router received it').optional(),
  t_router_out_ns: ns('router forwarded it').optional(),
  t_replica_arrival_ns: ns('replica (model server frontend) received it').optional(),
  t_queued_ns: ns('entered the engine queue').optional(),
  t_scheduled_ns: ns('first scheduled into a batch').optional(),
  t_first_token_ns: ns('first output token (first content chunk for clients)').optional(),
  t_last_token_ns: ns('last output token').optional(),
  t_end_ns: ns('response complete').optional(),
  prompt_tokens: count('input tokens').optional(),
  cached_tokens: count('input tokens served from a prefix cache').optional(),
  output_tokens: count('output tokens').optional(),
  chunks: count('streamed chunks received').optional(),
  status: oneOf(REQUEST_STATUSES, 'outcome'),
  error_type: text('error class or HTTP code').optional(),
  error_message: text('error text').optional(),
  finish_reason: text('stop, length, abort, ...').optional(),
  preemptions: count('times preempted').optional(),
  prefix_blocks: text('prefix-block hash ids, JSON array (Mooncake traces)').optional(),
  flags: text('comma-separated quality flags (clock_skew, out_of_order, ...)').optional(),
  attributes: json('other per-request fields from the source').optional(),
});

export const chunkRecord = z.object({
  ingest_id: ingestId,
  request_id: text('request the chunk belongs to'),
  seq: count('0-based chunk index within the request'),
  t_arrival_ns: ns('chunk arrival, on the request clock'),
  tokens: count('tokens in the chunk').optional(),
});

export const stepRecord = z.object({
  ingest_id: ingestId,
  replica: text('replica that ran the step'),
  step_index: count('engine iteration index'),
  t_start_ns: ns('step start'),
  t_end_ns: ns('step end'),
  prefill_tokens: count('prefill tokens in the step'),
  decode_tokens: count('decode tokens in the step'),
  num_seqs: count('sequences in the batch'),
  kv_usage: float('KV cache usage fraction 0..1 after the step').optional(),
  clock: oneOf(CLOCKS, 'origin of the _ns timestamps'),
});

export const stepMemberRecord = z.object({
  ingest_id: ingestId,
  replica: text('replica'),
  step_index: count('engine iteration index'),
  request_id: text('member request'),
  prefill_tokens: count('prefill tokens of this request in the step'),
  decode_tokens: count('decode tokens of this request in the step'),
});

export const KERNEL_CLASSES = ['compute', 'comm', 'memory', 'other'] as const;

export const kernelRecord = z.object({
  ingest_id: ingestId,
  rank: int('distributed rank').optional(),
  device: text('GPU device'),
  stream: text('stream'),
  name: text('kernel name'),
  kernel_class: oneOf(KERNEL_CLASSES, 'coarse class'),
  op_class: text('operator class (gemm, attention_decode, allreduce, ...)').optional(),
  t_start_ns: ns('kernel start'),
  t_end_ns: ns('kernel end'),
  correlation_id: int('runtime correlation id').optional(),
  step_index: count('engine step it belongs to').optional(),
  replica: text('replica').optional(),
  clock: oneOf(CLOCKS, 'origin of the _ns timestamps'),
  args: json('shapes and other arguments').optional(),
});

export const METRIC_KINDS = [
  'counter',
  'gauge',
  'histogram',
  'summary',
  'info',
  'untyped',
] as const;

export const metricSampleRecord = z.object({
  ingest_id: ingestId,
  sample_id: count('unique within the ingest; joins metric_bucket'),
  t_ns: ns('scrape or point time (epoch)'),
  server: text('server family (vllm, sglang, tgi, llamacpp, triton, otel, ...)'),
  name: text('canonical metric name (docs/metrics.md), or the native name when unmapped'),
  native_name: text('name as exposed, without _total/_bucket suffixes'),
  kind: oneOf(METRIC_KINDS, 'metric type'),
  labels: json('label set'),
  value: float('counter/gauge value; histogram or summary sum').optional(),
  count: float('histogram or summary observation count').optional(),
  unit_scale: float(
    'factor already applied to the native values and bounds to reach canonical units (e.g. 0.001 for ms)',
  ),
});

export const metricBucketRecord = z.object({
  ingest_id: ingestId,
  sample_id: count('the histogram sample'),
  le: float('bucket upper bound, canonical units; Infinity for +Inf'),
  count: float('cumulative count of observations <= le'),
});

export const FLEET_EVENT_KINDS = [
  'deploy',
  'config_change',
  'routing_change',
  'scale_up',
  'scale_down',
  'failure',
  'recovery',
  'other',
] as const;

export const fleetEventRecord = z.object({
  ingest_id: ingestId,
  t_ns: ns('event time (epoch)'),
  kind: oneOf(FLEET_EVENT_KINDS, 'what changed'),
  target: text('pool, replica, router or autoscaler affected'),
  details: json('before/after values and free text').optional(),
});

export const evalSampleRecord = z.object({
  ingest_id: ingestId,
  run_id: text('evaluation run'),
  config_id: text('candidate configuration'),
  prompt_id: text('prompt'),
  position: count('token position in the continuation'),
  token: text('token text or id'),
  ref_logprob: float('reference log-probability of the token'),
  cand_logprob: float('candidate log-probability of the token').optional(),
  flags: text('comma-separated flags').optional(),
});

/** Statistics a tool reported about a run (kept for files without per-request data). */
export const runStatRecord = z.object({
  ingest_id: ingestId,
  run_id: text('run'),
  metric: text('canonical metric (ttft, tpot, itl, e2e, ...) per docs/metrics.md'),
  native_name: text('the tool name of the statistic'),
  definition: text(
    'the tool definition when it differs from ours (e.g. itl_incl_first_token)',
  ).optional(),
  stat: text('mean, median, p90, p99, p99.9, std, min, max, count, rate'),
  value: float('value in canonical units'),
  unit: text('s, tokens, tokens/s, requests/s, ratio, count'),
});

export const TABLES = {
  ingest: ingestRecord,
  run: runRecord,
  request: requestRecord,
  chunk: chunkRecord,
  step: stepRecord,
  step_member: stepMemberRecord,
  kernel: kernelRecord,
  metric_sample: metricSampleRecord,
  metric_bucket: metricBucketRecord,
  fleet_event: fleetEventRecord,
  eval_sample: evalSampleRecord,
  run_stat: runStatRecord,
} as const;

export type TableName = keyof typeof TABLES;
/** Tables that sources write (everything but the provenance table). */
export type RecordKind = Exclude<TableName, 'ingest'>;
export type RecordOf<K extends TableName> = z.infer<(typeof TABLES)[K]>;
/** A record as a source emits it: the store adds `ingest_id`. */
export type Emitted<K extends RecordKind> = Omit<RecordOf<K>, 'ingest_id'>;

export type IngestRow = RecordOf<'ingest'>;
export type RunRow = RecordOf<'run'>;
export type RequestRow = RecordOf<'request'>;
export type ChunkRow = RecordOf<'chunk'>;
export type MetricSampleRow = RecordOf<'metric_sample'>;
