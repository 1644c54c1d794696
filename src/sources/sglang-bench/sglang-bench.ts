/**
 * @module SGLang `python -m sglang.bench_serving --output-file x.jsonl` results: one JSON object
 * per benchmark run, appended as a line. The 2024 key set is short (medians, output throughput);
 * newer builds add the full percentile set, throughputs, `server_info` and, with
 * `--output-details`, per-request arrays (`input_lens`, `output_lens`, `ttfts`, `itls`,
 * `generated_texts`, `errors`).
 */

import { z } from 'zod';
import { pyNumber } from '../exact-json.js';
import { readJsonLines, validateInput } from '../read.js';
import type { RecordSink, SourceFormat } from '../source.js';
import { emitClientRequest, statName } from '../timeline.js';

const FORMAT = 'sglang-bench';
const num = z.number();
const numArray = z.array(num);

/** The keys we read; every other key is kept in the run's config. */
const SglangRun = z.looseObject({
  tag: z.string().nullable().optional(),
  backend: z.string(),
  dataset_name: z.string().optional(),
  request_rate: z.union([pyNumber, z.string()]).optional(),
  max_concurrency: num.int().nonnegative().nullable().optional(),
  server_info: z.record(z.string(), z.unknown()).nullable().optional(),
  duration: num.nonnegative(),
  completed: num.int().nonnegative(),
  total_input_tokens: num.optional(),
  total_output_tokens: num.optional(),
  request_throughput: pyNumber.optional(),
  input_throughput: pyNumber.optional(),
  output_throughput: pyNumber.optional(),
  total_throughput: pyNumber.optional(),
  input_lens: numArray.optional(),
  output_lens: numArray.optional(),
  ttfts: numArray.optional(),
  itls: z.array(numArray).optional(),
  generated_texts: z.array(z.string().nullable()).optional(),
  errors: z.array(z.string().nullable()).optional(),
});
type SglangRun = z.infer<typeof SglangRun>;

/** `{mean,median,std,pNN,max}_{ttft,tpot,itl,e2e_latency}_ms`. */
const STAT_KEY = /^(mean|median|std|min|max|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2e_latency)_ms$/;
const METRIC: Record<string, string> = {
  ttft: 'ttft',
  tpot: 'tpot',
  itl: 'itl_chunk',
  e2e_latency: 'e2e',
};
const RATES: [string, string, string][] = [
  ['request_throughput', 'request_throughput', 'requests/s'],
  ['input_throughput', 'input_token_throughput', 'tokens/s'],
  ['output_throughput', 'output_token_throughput', 'tokens/s'],
  ['total_throughput', 'total_token_throughput', 'tokens/s'],
];
const PER_REQUEST = new Set([
  'input_lens',
  'output_lens',
  'ttfts',
  'itls',
  'generated_texts',
  'errors',
]);

export const sglangBench: SourceFormat = {
  name: FORMAT,
  title: 'SGLang `bench_serving --output-file` results (JSONL, one run per line)',
  recognizes:
    'JSON lines whose objects have `backend` and `dataset_name` plus SGLang stat keys such as `median_e2e_latency_ms` or `total_output_tokens_retokenized`',
  extensions: ['.jsonl', '.json'],
  sniff(p) {
    if (p.ext !== '.jsonl' && p.ext !== '.json') return 0;
    const h = p.head;
    if (!h.trimStart().startsWith('{')) return 0;
    if (!/"backend"\s*:/.test(h) || !/"dataset_name"\s*:/.test(h)) return 0;
    // vLLM bench JSON carries these; SGLang never does.
    if (/"(endpoint_type|burstiness|model_id|tokenizer_id)"\s*:/.test(h)) return 0;
    let score = 0.4;
    if (/"(mean|median|p99)_(e2e_latency|ttft|itl)_ms"\s*:/.test(h)) score += 0.3;
    if (/"(total_output_tokens_retokenized|random_range_ratio|sharegpt_output_len)"\s*:/.test(h))
      score += 0.2;
    return score;
  },
  async read(path, sink, options) {
    for await (const { value, line } of readJsonLines(path, FORMAT, options.onProgress, {
      exact: true,
    })) {
      const run = validateInput(SglangRun, value, { file: path, format: FORMAT, at: { line } });
      emitRun(run, line, sink);
    }
  },
};

function numericRate(rate: SglangRun['request_rate']): number | undefined {
  // Infinity ("inf": send everything at once) is a valid rate; config keeps the text too.
  return typeof rate !== 'number' || Number.isNaN(rate) ? undefined : rate;
}

function runLabel(run: SglangRun): string | undefined {
  const parts: string[] = [];
  if (run.request_rate !== undefined && run.request_rate !== null)
    parts.push(`rate=${String(run.request_rate)}`);
  if (typeof run.max_concurrency === 'number') parts.push(`concurrency=${run.max_concurrency}`);
  return parts.length ? parts.join(' ') : undefined;
}

function emitRun(run: SglangRun, line: number, sink: RecordSink): void {
  const runId = String(line);
  const at = { line };
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(run)) {
    if (!PER_REQUEST.has(k) && !STAT_KEY.test(k)) config[k] = v;
  }
  if (typeof run.request_rate === 'number' && !Number.isFinite(run.request_rate))
    config.request_rate = run.request_rate > 0 ? 'inf' : String(run.request_rate);
  const model = run.server_info?.['served_model_name'] ?? run.server_info?.['model_path'];
  const failed = run.errors ? run.errors.filter((e) => e).length : undefined;
  sink.emit(
    'run',
    {
      run_id: runId,
      tool: FORMAT,
      // Runs of one file usually differ by rate or concurrency: name them so when untagged.
      name: run.tag ?? runLabel(run),
      model: typeof model === 'string' ? model : undefined,
      clock: 'request',
      duration_s: run.duration,
      request_rate: numericRate(run.request_rate),
      max_concurrency: run.max_concurrency ?? undefined,
      completed: run.completed,
      failed,
      config,
    },
    at,
  );

  let skipped = 0;
  for (const [key, value] of Object.entries(run)) {
    const m = STAT_KEY.exec(key);
    if (!m) continue;
    const v = typeof value === 'string' ? Number(value) : value;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      skipped++;
      continue;
    }
    sink.emit(
      'run_stat',
      {
        run_id: runId,
        metric: METRIC[m[2]],
        native_name: key,
        stat: statName(m[1]),
        value: v / 1000,
        unit: 's',
      },
      at,
    );
  }
  for (const [key, metric, unit] of RATES) {
    const v = (run as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v))
      sink.emit(
        'run_stat',
        { run_id: runId, metric, native_name: key, stat: 'rate', value: v, unit },
        at,
      );
  }
  if (skipped > 0) {
    sink.warn({
      code: 'NON_FINITE_STAT',
      message: `${skipped} reported statistics are NaN, null or infinite (no successful requests?) and were not stored as run_stat`,
      at,
    });
  }
  emitRequests(run, runId, line, sink);
}

function emitRequests(run: SglangRun, runId: string, line: number, sink: RecordSink): void {
  const n = run.ttfts?.length ?? run.input_lens?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const error = run.errors?.[i] || undefined;
    const failed = error !== undefined;
    const gaps = run.itls?.[i];
    const outLen = run.output_lens?.[i];
    const ttft = failed ? undefined : run.ttfts?.[i];
    emitClientRequest(
      sink,
      {
        requestId: `${runId}:${i}`,
        runId,
        clock: 'request',
        sendS: 0,
        ttftS: ttft,
        chunkGapsS: failed ? undefined : gaps,
        // Chunks hold one token each when their count matches the output length.
        chunkTokens:
          !failed && gaps && outLen !== undefined && gaps.length + 1 === outLen
            ? new Array<number>(outLen).fill(1)
            : undefined,
        // SGLang keeps no per-request latency (its own ends at the last chunk): a one-chunk
        // request ends at its first token; longer ones at their last chunk (t_last_token).
        e2eS: ttft !== undefined && (gaps?.length ?? 0) === 0 ? ttft : undefined,
        fields: {
          prompt_tokens: run.input_lens?.[i],
          output_tokens: failed ? undefined : outLen,
          status: failed ? 'error' : 'ok',
          error_message: error,
        },
      },
      { line, pointer: `[${i}]` },
    );
  }
}
