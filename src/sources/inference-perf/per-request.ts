/**
 * @module inference-perf `per_request_lifecycle_metrics.json`: one entry per request with its
 * start/end times, token timestamps and error → client requests and their chunks. Times come
 * from the client's `time.perf_counter()` (a monotonic origin shared by the run: clock `run`);
 * values that look like epoch seconds are read on the `epoch` clock. Every token of a chunk
 * carries the chunk's arrival time, so chunks are the runs of equal token times.
 */

import { z } from 'zod';
import { Time } from '../../base/units.js';
import { validateInput } from '../read.js';
import type { RecordSink } from '../source.js';
import { emitClientRequest } from '../timeline.js';
import { INFERENCE_PERF } from './stats.js';

const tokens = z.number().int().nonnegative();
const times = z.array(z.number());

const ResponseMetrics = z.looseObject({
  output_tokens: tokens.nullable().optional(),
  response_chunks: z.array(z.unknown()).nullable().optional(),
  chunk_times: times.nullable().optional(),
  output_token_times: times.nullable().optional(),
  server_usage: z.record(z.string(), z.unknown()).nullable().optional(),
});

const Entry = z.looseObject({
  start_time: z.number(),
  end_time: z.number(),
  session_id: z.string().nullable().optional(),
  info: z
    .looseObject({
      // The 2025 key set: input_tokens on info; older builds also put output_* here.
      input_tokens: tokens.nullable().optional(),
      output_tokens: tokens.nullable().optional(),
      output_token_times: times.nullable().optional(),
      request_metrics: z
        .looseObject({
          text: z.looseObject({ input_tokens: tokens.nullable().optional() }).nullable().optional(),
        })
        .nullable()
        .optional(),
      response_metrics: ResponseMetrics.nullable().optional(),
      lora_adapter: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  error: z
    .looseObject({
      error_type: z.string().nullable().optional(),
      error_msg: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

/** Groups token times into chunks: consecutive equal times arrived in one chunk. */
export function chunksOf(tokenTimes: readonly number[]): { t: number; tokens: number }[] {
  const out: { t: number; tokens: number }[] = [];
  for (const t of tokenTimes) {
    const last = out[out.length - 1];
    if (last && last.t === t) last.tokens++;
    else out.push({ t, tokens: 1 });
  }
  return out;
}

export const PER_REQUEST_RUN = 'all_stages';

export function emitPerRequest(
  list: unknown[],
  sink: RecordSink,
  file: string,
  model?: string,
): void {
  const entries = list.map((v, i) =>
    validateInput(Entry, v, { file, format: INFERENCE_PERF, at: { pointer: `[${i}]` } }),
  );
  const epoch = entries.length > 0 && entries.every((e) => e.start_time > 1e9);
  const clock = epoch ? 'epoch' : 'run';
  const failed = entries.filter((e) => e.error).length;
  const start = Math.min(...entries.map((e) => e.start_time));
  const end = Math.max(...entries.map((e) => e.end_time));
  sink.emit('run', {
    run_id: PER_REQUEST_RUN,
    tool: INFERENCE_PERF,
    name: 'all_stages per-request',
    model,
    clock,
    t_start_ns: entries.length ? Time.fromSeconds(start) : undefined,
    t_end_ns: entries.length ? Time.fromSeconds(end) : undefined,
    // The window inference-perf divides by: first start → last end over all requests.
    duration_s: entries.length ? end - start : undefined,
    completed: entries.length - failed,
    failed,
    config: { report: 'per_request' },
  });

  let bodies = 0;
  entries.forEach((e, i) => {
    if (e.request !== undefined || e.response !== undefined) bodies++;
    const info = e.info ?? undefined;
    const rm = info?.response_metrics ?? undefined;
    const tokenTimes = rm?.output_token_times ?? info?.output_token_times ?? undefined;
    const chunkTimes = rm?.chunk_times ?? undefined;
    const chunks = tokenTimes?.length
      ? chunksOf(tokenTimes)
      : chunkTimes?.length
        ? chunkTimes.map((t) => ({ t, tokens: undefined }))
        : [];
    const ok = !e.error;
    const usage = rm?.server_usage ?? undefined;
    const details = usage?.prompt_tokens_details as Record<string, unknown> | undefined;
    const cached = typeof details?.cached_tokens === 'number' ? details.cached_tokens : undefined;
    emitClientRequest(
      sink,
      {
        requestId: String(i),
        runId: PER_REQUEST_RUN,
        clock,
        sendS: e.start_time,
        ttftS: ok && chunks.length ? chunks[0].t - e.start_time : undefined,
        chunkGapsS: ok ? chunks.slice(1).map((c, k) => c.t - chunks[k].t) : undefined,
        chunkTokens: ok && tokenTimes?.length ? chunks.map((c) => c.tokens ?? 0) : undefined,
        e2eS: e.end_time - e.start_time,
        fields: {
          model,
          session_id: e.session_id ?? undefined,
          prompt_tokens:
            info?.input_tokens ?? info?.request_metrics?.text?.input_tokens ?? undefined,
          cached_tokens: cached,
          output_tokens: ok ? (rm?.output_tokens ?? info?.output_tokens ?? undefined) : undefined,
          status: ok ? 'ok' : 'error',
          // A failed request produced no tokens: no last-token time.
          ...(ok ? {} : { t_last_token_ns: undefined }),
          error_type: e.error?.error_type ?? undefined,
          error_message: e.error?.error_msg ?? undefined,
          attributes: {
            response_chunks: chunkTimes?.length,
            lora_adapter: info?.lora_adapter ?? undefined,
            server_usage: usage,
          },
        },
      },
      { pointer: `[${i}]` },
    );
  });
  if (bodies > 0) {
    sink.warn({
      code: 'IGNORED_FIELDS',
      message: `request and response bodies of ${bodies} requests are not stored (prompt and output text)`,
    });
  }
}
