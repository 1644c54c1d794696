/**
 * @module vLLM `bench serve` (and the older `benchmarks/benchmark_serving.py`) result JSON: run
 * aggregates, the tool's percentile stats, and per-request arrays when saved with
 * `--save-detailed` (`ttfts`, `itls`, `latencies`, `start_times`, ...).
 */

import { z } from 'zod';
import { readJsonDocument, validateInput } from '../read.js';
import type { RecordSink, SourceFormat } from '../source.js';
import { emitClientRequest, statName } from '../timeline.js';

const num = z.number();
const numArray = z.array(num);

/** The keys we read; every other key is kept in the run's config. */
const VllmBench = z.looseObject({
  date: z.string().optional(),
  backend: z.string().optional(),
  endpoint_type: z.string().optional(),
  label: z.string().nullable().optional(),
  model_id: z.string().optional(),
  tokenizer_id: z.string().optional(),
  num_prompts: num.optional(),
  request_rate: z.union([num, z.string()]).optional(),
  burstiness: num.optional(),
  max_concurrency: num.nullable().optional(),
  duration: num.nonnegative(),
  completed: num.int().nonnegative(),
  failed: num.int().nonnegative().optional(),
  total_input_tokens: num.optional(),
  total_output_tokens: num.optional(),
  request_throughput: num.optional(),
  output_throughput: num.optional(),
  total_token_throughput: num.optional(),
  input_lens: numArray.optional(),
  output_lens: numArray.optional(),
  ttfts: numArray.optional(),
  itls: z.array(numArray).optional(),
  latencies: numArray.optional(),
  start_times: numArray.optional(),
  queue_times: numArray.optional(),
  errors: z.array(z.string().nullable()).optional(),
  generated_texts: z.array(z.string().nullable()).optional(),
});
type VllmBench = z.infer<typeof VllmBench>;

const STAT_KEY =
  /^(mean|median|std|min|max|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el|client_queue_time|e2el_including_client_queue)_ms$/;
const METRIC: Record<string, string> = {
  ttft: 'ttft',
  tpot: 'tpot',
  itl: 'itl_chunk',
  e2el: 'e2e',
  client_queue_time: 'client_queue',
  e2el_including_client_queue: 'e2e_incl_client_queue',
};
const PER_REQUEST = new Set([
  'input_lens',
  'output_lens',
  'ttfts',
  'itls',
  'latencies',
  'start_times',
  'queue_times',
  'errors',
  'generated_texts',
]);

export const vllmBench: SourceFormat = {
  name: 'vllm-bench',
  title: 'vLLM `bench serve` / benchmark_serving.py result JSON',
  recognizes:
    'a JSON object with `duration`, `completed` and `request_throughput` plus vLLM stat keys such as `mean_ttft_ms`, `p99_tpot_ms` or per-request `ttfts`/`itls`',
  extensions: ['.json'],
  sniff(p) {
    if (p.ext !== '.json' || !p.head.trimStart().startsWith('{')) return 0;
    const h = p.head;
    if (!/"completed"\s*:/.test(h) || !/"duration"\s*:/.test(h)) return 0;
    let score = 0.3;
    if (/"(mean|median|p99)_(ttft|tpot|itl)_ms"\s*:/.test(h)) score += 0.3;
    if (/"(ttfts|itls|input_lens|latencies)"\s*:/.test(h)) score += 0.2;
    if (/"(endpoint_type|burstiness|model_id|tokenizer_id)"\s*:/.test(h)) score += 0.15;
    return score;
  },
  async read(path, sink, options) {
    const doc = validateInput(VllmBench, await readJsonDocument(path, 'vllm-bench'), {
      file: path,
      format: 'vllm-bench',
    });
    emitVllmBench(doc, sink, options.labels?.model);
  },
};

function emitVllmBench(doc: VllmBench, sink: RecordSink, modelLabel?: string): void {
  const runId = '0';
  const model = doc.model_id ?? modelLabel;
  const starts = doc.start_times;
  // Wall-clock start times are epoch seconds; older builds stored perf_counter values.
  const clock = starts && starts.length > 0 ? (starts[0] > 1e9 ? 'epoch' : 'run') : 'request';
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (!PER_REQUEST.has(k) && !STAT_KEY.test(k)) config[k] = v;
  }
  const rate =
    doc.request_rate === 'inf'
      ? Infinity
      : typeof doc.request_rate === 'number'
        ? doc.request_rate
        : undefined;
  const n = doc.latencies?.length ?? doc.ttfts?.length ?? 0;
  let tStart: bigint | undefined;
  let tEnd: bigint | undefined;
  if (clock !== 'request' && starts) {
    tStart = BigInt(Math.round(Math.min(...starts) * 1e9));
    tEnd = tStart + BigInt(Math.round(doc.duration * 1e9));
  }
  sink.emit('run', {
    run_id: runId,
    tool: 'vllm-bench',
    name: doc.label ?? undefined,
    model,
    clock,
    t_start_ns: tStart,
    t_end_ns: tEnd,
    duration_s: doc.duration,
    request_rate: rate,
    max_concurrency: doc.max_concurrency ?? undefined,
    completed: doc.completed,
    failed: doc.failed,
    config,
  });

  for (const [key, value] of Object.entries(doc)) {
    const m = STAT_KEY.exec(key);
    if (m && typeof value === 'number') {
      sink.emit('run_stat', {
        run_id: runId,
        metric: METRIC[m[2]],
        native_name: key,
        stat: statName(m[1]),
        value: value / 1000,
        unit: 's',
      });
    }
  }
  const rates: [keyof VllmBench, string, string][] = [
    ['request_throughput', 'request_throughput', 'requests/s'],
    ['output_throughput', 'output_token_throughput', 'tokens/s'],
    ['total_token_throughput', 'total_token_throughput', 'tokens/s'],
  ];
  for (const [key, metric, unit] of rates) {
    const v = doc[key];
    if (typeof v === 'number')
      sink.emit('run_stat', {
        run_id: runId,
        metric,
        native_name: key,
        stat: 'rate',
        value: v,
        unit,
      });
  }
  const goodput = doc['request_goodput'] ?? doc['request_goodput:'];
  if (typeof goodput === 'number') {
    sink.emit('run_stat', {
      run_id: runId,
      metric: 'goodput',
      native_name: 'request_goodput',
      stat: 'rate',
      value: goodput,
      unit: 'requests/s',
    });
  }

  for (let i = 0; i < n; i++) {
    const error = doc.errors?.[i] || undefined;
    const outLen = doc.output_lens?.[i];
    const gaps = doc.itls?.[i];
    const failed = error !== undefined;
    emitClientRequest(
      sink,
      {
        requestId: String(i),
        runId,
        clock,
        sendS: clock === 'request' ? 0 : starts![i],
        ttftS: failed ? undefined : doc.ttfts?.[i],
        chunkGapsS: failed ? undefined : gaps,
        // Chunks hold one token each when their count matches the output length.
        chunkTokens:
          gaps && outLen !== undefined && gaps.length + 1 === outLen
            ? new Array<number>(outLen).fill(1)
            : undefined,
        e2eS: failed ? undefined : doc.latencies?.[i],
        fields: {
          model,
          prompt_tokens: doc.input_lens?.[i],
          output_tokens: failed ? undefined : outLen,
          status: failed ? 'error' : 'ok',
          error_message: error,
          attributes: doc.queue_times ? { client_queue_s: doc.queue_times[i] } : undefined,
        },
      },
      { pointer: `[${i}]` },
    );
  }
}
