/**
 * @module OTLP spans → request records. Only LLM request spans become requests: vLLM's
 * `llm_request` (latencies in `gen_ai.latency.*`, seconds, anchored at the span start = replica
 * arrival), OTel GenAI spans (`chat <model>`, `gen_ai.*` attributes) and inference-perf's
 * client spans. Every other span is counted and reported in one warning.
 */

import { Time } from '../../base/units.js';
import type { Emitted } from '../../schema/records.js';
import type { Location, RecordSink } from '../source.js';
import {
  attributes,
  enumCode,
  hexId,
  SPAN_KINDS,
  STATUS_CODES,
  toBigInt,
  type AttrValue,
  type Span,
} from './otlp-json.js';

const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/** GenAI operations that are not a model generating tokens. */
const NON_GENERATION = new Set([
  'embeddings',
  'execute_tool',
  'invoke_agent',
  'create_agent',
  'invoke_workflow',
  'retrieval',
]);

/** Message content (opt-in, possibly huge) is not kept. */
const CONTENT =
  /^gen_ai\.(input\.messages|output\.messages|system_instructions|tool\.definitions|prompt|completion)(\.|$)/;

export interface SpanTally {
  other: Map<string, number>;
  contentDropped: number;
  base64Ids: number;
}

export function newSpanTally(): SpanTally {
  return { other: new Map(), contentDropped: 0, base64Ids: 0 };
}

function isLlmSpan(name: string, attrs: Record<string, AttrValue>): boolean {
  const op = attrs['gen_ai.operation.name'];
  if (typeof op === 'string' && NON_GENERATION.has(op)) return false;
  if (name === 'llm_request') return true;
  if (/^(chat|text_completion|generate_content)( |$)/.test(name)) return true;
  return Object.keys(attrs).some((k) => k.startsWith('gen_ai.'));
}

const num = (v: AttrValue | undefined): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
};
const str = (v: AttrValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : Array.isArray(v) ? v.join(',') : String(v);

/** Emits the request record of one span, or counts it as another span. */
export function emitSpan(
  span: Span,
  resource: Record<string, AttrValue>,
  sink: RecordSink,
  tally: SpanTally,
  at: Location,
): void {
  const name = span.name ?? '';
  const all = attributes(span.attributes);
  if (!isLlmSpan(name, all)) {
    tally.other.set(name, (tally.other.get(name) ?? 0) + 1);
    return;
  }
  const attrs: Record<string, AttrValue> = {};
  let dropped = false;
  for (const [k, v] of Object.entries(all)) {
    if (CONTENT.test(k)) dropped = true;
    else attrs[k] = v;
  }
  if (dropped) tally.contentDropped++;
  const trace = hexId(span.traceId, 16);
  const spanId = hexId(span.spanId, 8);
  const parent = hexId(span.parentSpanId, 8);
  if (trace.base64 || spanId.base64) tally.base64Ids++;

  const start = toBigInt(span.startTimeUnixNano);
  const end = toBigInt(span.endTimeUnixNano);
  const after = (s: number | undefined, from: bigint = start) =>
    s === undefined ? undefined : from + Time.fromSeconds(s);
  const lat = (k: string) => num(attrs[`gen_ai.latency.${k}`]);
  const queue = lat('time_in_queue');
  const ttft =
    lat('time_to_first_token') ??
    num(attrs['gen_ai.response.time_to_first_chunk']) ??
    num(attrs['gen_ai.response.time_to_first_token']);
  const inference = lat('time_in_model_inference');
  const decode = lat('time_in_model_decode');
  const client = enumCode(span.kind, SPAN_KINDS) === SPAN_KIND_CLIENT;

  const firstToken = after(ttft);
  const scheduled = after(queue);
  let lastToken: bigint | undefined;
  if (scheduled !== undefined && inference !== undefined) lastToken = after(inference, scheduled);
  else if (firstToken !== undefined && decode !== undefined) lastToken = after(decode, firstToken);
  else lastToken = end;

  const finish = str(attrs['gen_ai.response.finish_reasons']);
  const error = enumCode(span.status?.code, STATUS_CODES) === STATUS_ERROR;
  const status = error ? 'error' : finish === 'abort' ? 'aborted' : 'ok';
  const requestId =
    str(attrs['gen_ai.request.id']) ?? str(attrs['gen_ai.response.id']) ?? spanId.id ?? '';

  const record: Emitted<'request'> = {
    request_id: requestId,
    trace_id: trace.id,
    session_id: str(attrs['gen_ai.conversation.id']),
    model: str(attrs['gen_ai.response.model']) ?? str(attrs['gen_ai.request.model']),
    replica: str(resource['service.instance.id']),
    vantage: client ? 'client' : 'server',
    clock: 'epoch',
    t_client_send_ns: client ? start : undefined,
    t_replica_arrival_ns: client ? undefined : start,
    // The span carries no engine-queue entry time: it is placed at arrival.
    t_queued_ns: !client && queue !== undefined ? start : undefined,
    t_scheduled_ns: scheduled,
    t_first_token_ns: firstToken,
    t_last_token_ns: status === 'error' && ttft === undefined ? undefined : lastToken,
    t_end_ns: end,
    prompt_tokens: num(attrs['gen_ai.usage.input_tokens'] ?? attrs['gen_ai.usage.prompt_tokens']),
    output_tokens: num(
      attrs['gen_ai.usage.output_tokens'] ?? attrs['gen_ai.usage.completion_tokens'],
    ),
    cached_tokens: num(
      attrs['gen_ai.usage.cache_read.input_tokens'] ?? attrs['gen_ai.usage.cached_tokens'],
    ),
    status,
    error_type: error ? (str(attrs['error.type']) ?? 'error') : undefined,
    error_message: error ? span.status?.message || undefined : undefined,
    finish_reason: finish,
    attributes: {
      'span.name': name,
      'span.kind': enumCode(span.kind, SPAN_KINDS),
      'span.id': spanId.id ?? null,
      ...(parent.id ? { 'span.parent_id': parent.id } : {}),
      ...(resource['service.name'] !== undefined
        ? { 'service.name': resource['service.name'] }
        : {}),
      ...(span.events?.length ? { 'span.events': span.events.length } : {}),
      ...attrs,
    },
  };
  sink.emit('request', record, at);
}

/** The warnings of a file's spans, once at the end. */
export function spanWarnings(tally: SpanTally, sink: RecordSink): void {
  const others = [...tally.other.values()].reduce((a, b) => a + b, 0);
  if (others) {
    const names = [...tally.other.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([n, k]) => `"${n}" ×${k}`)
      .join(', ');
    sink.warn({
      code: 'OTHER_SPANS',
      message: `${others} spans are not LLM requests (no gen_ai.* attributes) and were not stored: ${names}`,
    });
  }
  if (tally.contentDropped)
    sink.warn({
      code: 'CONTENT_DROPPED',
      message: `message content attributes (gen_ai.input/output.messages, gen_ai.prompt/completion) of ${tally.contentDropped} spans were not stored`,
    });
  if (tally.base64Ids)
    sink.warn({
      code: 'BASE64_IDS',
      message: `${tally.base64Ids} spans had base64 trace/span ids (OTLP/JSON uses hex); converted to hex`,
    });
}
