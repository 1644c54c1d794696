/**
 * @module GenAI-Perf's raw `profile_export.json`, written by perf_analyzer: per experiment (a
 * concurrency or request-rate level), every request's send time and the arrival time and body of
 * each response, all in epoch nanoseconds. Chunks are the responses GenAI-Perf counts (empty and
 * `[DONE]` responses dropped for the OpenAI service kind); output tokens come only from an OpenAI
 * `usage` block, since GenAI-Perf itself re-tokenises the text.
 */

import { z } from 'zod';
import { InferscopeError } from '../../base/errors.js';
import type { Clock, Emitted } from '../../schema/records.js';
import { readJsonDocument, validateInput } from '../read.js';
import type { RecordSink, SourceFormat } from '../source.js';
import { nsInt } from '../exact-json.js';
import {
  type ParsedResponse,
  parseOpenAiResponse,
  parseTensorResponse,
  ResponseSyntaxError,
} from './responses.js';

const FORMAT = 'genai-perf';

const Request = z.looseObject({
  timestamp: nsInt,
  sequence_id: z.number().int().optional(),
  request_inputs: z.record(z.string(), z.unknown()).optional(),
  response_timestamps: z.array(nsInt),
  response_outputs: z.array(z.record(z.string(), z.unknown())).optional(),
});
type Request = z.infer<typeof Request>;

const ProfileExport = z.looseObject({
  experiments: z.array(
    z.looseObject({
      experiment: z.object({ mode: z.string(), value: z.number() }),
      requests: z.array(Request),
      window_boundaries: z.array(nsInt).optional(),
    }),
  ),
  version: z.string().optional(),
  service_kind: z.string().optional(),
  endpoint: z.string().optional(),
});
type ProfileExport = z.infer<typeof ProfileExport>;

/** perf_analyzer's system clock is the epoch; tiny values (hand-made fixtures) are not. */
const EPOCH_NS = 100_000_000_000_000_000n;

export const genaiPerf: SourceFormat = {
  name: FORMAT,
  title: 'GenAI-Perf / perf_analyzer raw `profile_export.json`',
  recognizes:
    'a JSON object with `experiments[].experiment.mode` and per-request `timestamp`, `response_timestamps` and `response_outputs`',
  extensions: ['.json'],
  sniff(p) {
    if (p.ext !== '.json' || !p.head.trimStart().startsWith('{')) return 0;
    const h = p.head;
    if (!/"experiments"\s*:\s*\[/.test(h)) return 0;
    let score = 0.4;
    if (/"experiment"\s*:\s*\{\s*"mode"\s*:/.test(h)) score += 0.3;
    if (/"response_timestamps"\s*:\s*\[/.test(h)) score += 0.25;
    return score;
  },
  async read(path, sink) {
    const doc = validateInput(
      ProfileExport,
      await readJsonDocument(path, FORMAT, { exact: true }),
      {
        file: path,
        format: FORMAT,
      },
    );
    emitProfileExport(doc, path, sink);
  },
};

function parseResponses(
  req: Request,
  openai: boolean,
  file: string,
  pointer: string,
): ParsedResponse[] {
  const outputs = req.response_outputs;
  if (outputs && outputs.length !== req.response_timestamps.length) {
    throw new InferscopeError(
      'PARSE_ERROR',
      `${FORMAT}: ${pointer}: ${req.response_timestamps.length} response_timestamps but ${outputs.length} response_outputs`,
      {
        file,
        format: FORMAT,
        field: `${pointer}.response_outputs`,
        hint: 'the file is damaged; re-export it',
      },
    );
  }
  return req.response_timestamps.map((_, k) => {
    const out = outputs?.[k];
    if (!out) return { text: '', content: true };
    if (!openai) return parseTensorResponse(out);
    const raw = out.response;
    if (typeof raw !== 'string') return { text: '', content: false };
    try {
      return parseOpenAiResponse(raw);
    } catch (e) {
      if (!(e instanceof ResponseSyntaxError)) throw e;
      throw new InferscopeError(
        'PARSE_ERROR',
        `${FORMAT}: ${pointer}.response_outputs[${k}]: ${e.message}`,
        {
          file,
          format: FORMAT,
          field: `${pointer}.response_outputs[${k}].response`,
          hint: 'each OpenAI response must be SSE `data: {json}` text, JSON, or [DONE]',
        },
      );
    }
  });
}

/** Tokens per chunk, only when the responses make it unambiguous. */
function chunkTokens(chunks: ParsedResponse[], outputTokens: number | undefined) {
  if (chunks.every((c) => c.tokens !== undefined)) return chunks.map((c) => c.tokens!);
  // Continuous usage stats: every chunk carries the cumulative completion tokens.
  if (chunks.every((c) => c.completionTokens !== undefined)) {
    const counts = chunks.map(
      (c, i) => c.completionTokens! - (i ? chunks[i - 1].completionTokens! : 0),
    );
    if (counts.every((n) => n >= 0)) return counts;
  }
  // As many content chunks as tokens: one token each.
  if (outputTokens !== undefined && outputTokens === chunks.length) return chunks.map(() => 1);
  return undefined;
}

function payloadModel(req: Request): string | undefined {
  const payload = req.request_inputs?.payload;
  if (typeof payload !== 'string') return undefined;
  try {
    const p = JSON.parse(payload) as { model?: unknown };
    return typeof p.model === 'string' ? p.model : undefined;
  } catch {
    return undefined;
  }
}

function emitProfileExport(doc: ProfileExport, file: string, sink: RecordSink): void {
  const openai = (doc.service_kind ?? 'openai') === 'openai';
  let empty = 0;
  doc.experiments.forEach((exp, e) => {
    const runId = String(e);
    const sends = exp.requests.map((r) => r.timestamp);
    const ends = exp.requests.flatMap((r) => r.response_timestamps.slice(-1));
    const tStart = sends.length ? sends.reduce((a, b) => (b < a ? b : a)) : undefined;
    const tEnd = ends.length ? ends.reduce((a, b) => (b > a ? b : a)) : undefined;
    const clock: Clock = tStart !== undefined && tStart < EPOCH_NS ? 'run' : 'epoch';
    const { mode, value } = exp.experiment;
    sink.emit('run', {
      run_id: runId,
      tool: FORMAT,
      tool_version: doc.version,
      name: `${mode} ${value}`,
      clock,
      t_start_ns: tStart,
      t_end_ns: tEnd,
      duration_s:
        tStart !== undefined && tEnd !== undefined ? Number(tEnd - tStart) / 1e9 : undefined,
      request_rate: mode === 'request_rate' ? value : undefined,
      max_concurrency: mode === 'concurrency' ? value : undefined,
      config: {
        mode,
        value,
        service_kind: doc.service_kind,
        endpoint: doc.endpoint,
        window_boundaries: exp.window_boundaries,
      },
    });
    exp.requests.forEach((req, j) => {
      const pointer = `experiments[${e}].requests[${j}]`;
      const responses = parseResponses(req, openai, file, pointer);
      const times = req.response_timestamps;
      const chunks = responses.map((r, k) => ({ r, t: times[k] })).filter((x) => x.r.content);
      const usage = responses
        .filter((r) => r.completionTokens !== undefined || r.promptTokens !== undefined)
        .at(-1);
      const outputTokens = usage?.completionTokens;
      const tokens = chunkTokens(
        chunks.map((c) => c.r),
        outputTokens,
      );
      const error = responses.find((r) => r.error)?.error;
      const ok = chunks.length > 0;
      if (!ok) empty++;
      const requestId = `${e}/${j}`;
      const record: Emitted<'request'> = {
        request_id: requestId,
        run_id: runId,
        session_id: req.sequence_id === undefined ? undefined : String(req.sequence_id),
        model: payloadModel(req) ?? responses.find((r) => r.model)?.model,
        vantage: 'client',
        clock,
        status: ok ? 'ok' : 'error',
        t_client_send_ns: req.timestamp,
        t_first_token_ns: chunks[0]?.t,
        t_last_token_ns: chunks.at(-1)?.t,
        // The stream closes with the last response of any kind (finish, usage, [DONE]).
        t_end_ns: times.length ? times[times.length - 1] : undefined,
        prompt_tokens: usage?.promptTokens,
        output_tokens: outputTokens,
        chunks: chunks.length,
        finish_reason: responses
          .map((r) => r.finishReason)
          .filter((x) => x)
          .at(-1),
        error_type: ok ? undefined : (error?.type ?? 'no_content'),
        error_message: ok ? undefined : (error?.message ?? 'no response with content'),
        attributes: { responses: times.length },
      };
      sink.emit('request', record, { pointer });
      chunks.forEach((c, seq) =>
        sink.emit(
          'chunk',
          { request_id: requestId, seq, t_arrival_ns: c.t, tokens: tokens?.[seq] },
          { pointer },
        ),
      );
    });
  });
  if (empty > 0) {
    sink.warn({
      code: 'NO_CONTENT',
      message: `${empty} requests received no response with content; stored with status error (GenAI-Perf leaves them out of its latency statistics)`,
    });
  }
}
