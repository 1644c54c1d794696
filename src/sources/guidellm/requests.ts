/**
 * @module GuideLLM per-request entries (`benchmarks[i].requests.{successful,errored,incomplete}`,
 * serialised GenerativeRequestStats) → client requests on the epoch clock. GuideLLM records the
 * first and last token iteration but not each iteration's time, so no chunk records are made;
 * the iteration count is kept as `chunks`.
 */

import { Time } from '../../base/units.js';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import { GUIDELLM, RequestStats } from './schema.js';

const STATUS = { successful: 'ok', errored: 'error', incomplete: 'aborted' } as const;
export type RequestGroup = keyof typeof STATUS;
export const REQUEST_GROUPS = Object.keys(STATUS) as RequestGroup[];

const ns = (s: number | null | undefined) =>
  typeof s === 'number' ? Time.fromSeconds(s) : undefined;
const count = (n: number | null | undefined) =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;

export interface RequestsContext {
  file: string;
  runId: string;
  model?: string;
  pointer: string;
}

export function emitRequests(
  group: RequestGroup,
  list: readonly unknown[],
  sink: RecordSink,
  ctx: RequestsContext,
): void {
  list.forEach((raw, i) => {
    const pointer = `${ctx.pointer}.requests.${group}[${i}]`;
    const r = validateInput(RequestStats, raw, {
      file: ctx.file,
      format: GUIDELLM,
      at: { pointer },
    });
    const t = r.info?.timings ?? {};
    const start = t.request_start ?? r.request_start_time ?? t.resolve_start;
    const end = t.request_end ?? r.request_end_time ?? t.resolve_end;
    const iterations = count(t.token_iterations);
    const output =
      r.output_tokens ??
      r.output_metrics?.total_tokens ??
      r.output_metrics?.text_tokens ??
      (iterations || undefined);
    const prompt = r.prompt_tokens ?? r.input_metrics?.total_tokens ?? r.input_metrics?.text_tokens;
    const firstOutput = t.first_output_token_iteration;
    sink.emit(
      'request',
      {
        request_id: r.request_id ?? `${ctx.runId}/${group}/${i}`,
        run_id: ctx.runId,
        session_id: r.info?.conversation_id ?? undefined,
        model: ctx.model,
        vantage: 'client',
        clock: 'epoch',
        t_client_send_ns: ns(start),
        t_first_token_ns: ns(t.first_token_iteration),
        t_last_token_ns: ns(t.last_token_iteration),
        t_end_ns: ns(end),
        prompt_tokens: count(prompt),
        output_tokens: count(output),
        chunks: iterations || undefined,
        status: STATUS[group],
        error_message: r.info?.error ?? undefined,
        finish_reason: group === 'incomplete' ? (r.info?.status ?? 'incomplete') : undefined,
        attributes: {
          response_id: r.response_id ?? undefined,
          targeted_start_s: t.targeted_start ?? undefined,
          scheduled_at_s: t.scheduled_at ?? undefined,
          request_iterations: t.request_iterations ?? undefined,
          first_output_token_s:
            typeof firstOutput === 'number' && firstOutput !== t.first_token_iteration
              ? firstOutput
              : undefined,
        },
      },
      { pointer },
    );
  });
}
