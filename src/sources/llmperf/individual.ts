/**
 * @module llmperf `*_individual_responses.json`: a list of per-request dicts holding durations
 * only (llmperf times with `time.monotonic` and writes no send times) → requests on the
 * `request` clock, plus a run row. The file carries no run duration, so the run's `duration_s`
 * stays NULL and request-clock throughput is unknown unless the matching summary is ingested.
 */

import { z } from 'zod';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import { emitClientRequest } from '../timeline.js';
import { LLMPERF } from './llmperf-name.js';

const num = z.number();
const tokens = z.number().int().nonnegative();

const Response = z.looseObject({
  error_code: z.union([z.number(), z.string()]).nullable().optional(),
  error_msg: z.string().nullable().optional(),
  ttft_s: num,
  end_to_end_latency_s: num,
  inter_token_latency_s: num.optional(),
  request_output_throughput_token_per_s: num.optional(),
  number_total_tokens: tokens.optional(),
  number_output_tokens: tokens.optional(),
  number_input_tokens: tokens.optional(),
});

const KNOWN = new Set(Object.keys(Response.shape));

export interface IndividualContext {
  file: string;
  runId: string;
  model?: string;
}

export function emitIndividual(list: unknown[], sink: RecordSink, ctx: IndividualContext): void {
  const rows = list.map((v, i) =>
    validateInput(Response, v, { file: ctx.file, format: LLMPERF, at: { pointer: `[${i}]` } }),
  );
  const failed = rows.filter((r) => r.error_code !== null && r.error_code !== undefined).length;
  sink.emit('run', {
    run_id: ctx.runId,
    tool: LLMPERF,
    name: ctx.runId,
    model: ctx.model,
    clock: 'request',
    // Not in the file: llmperf's test-loop time lives only in the summary.
    duration_s: undefined,
    completed: rows.length - failed,
    failed,
    config: { file_role: 'individual_responses' },
  });

  const ignored = new Map<string, number>();
  rows.forEach((r, i) => {
    for (const k of Object.keys(r)) if (!KNOWN.has(k)) ignored.set(k, (ignored.get(k) ?? 0) + 1);
    const isError = r.error_code !== null && r.error_code !== undefined;
    // llmperf leaves the timings of a failed request at 0; keep them only when measured.
    const timed = !isError || r.end_to_end_latency_s > 0;
    emitClientRequest(
      sink,
      {
        requestId: String(i),
        runId: ctx.runId,
        clock: 'request',
        sendS: 0,
        ttftS: timed ? r.ttft_s : undefined,
        e2eS: timed ? r.end_to_end_latency_s : undefined,
        fields: {
          model: ctx.model,
          status: isError ? 'error' : 'ok',
          error_type: isError ? String(r.error_code) : undefined,
          error_message: isError && r.error_msg ? r.error_msg : undefined,
          prompt_tokens: r.number_input_tokens,
          output_tokens: r.number_output_tokens,
          attributes: {
            inter_token_latency_s: r.inter_token_latency_s,
            request_output_throughput_token_per_s: r.request_output_throughput_token_per_s,
            number_total_tokens: r.number_total_tokens,
          },
        },
      },
      { pointer: `[${i}]` },
    );
  });
  if (ignored.size > 0) {
    sink.warn({
      code: 'IGNORED_FIELDS',
      message: `per-request fields not stored: ${[...ignored].map(([k, n]) => `${k} (${n} rows)`).join(', ')}`,
    });
  }
}
