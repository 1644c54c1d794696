/**
 * @module The parts of a GuideLLM `GenerativeBenchmarksReport` (report schema v2) that we read,
 * as zod schemas. Everything else passes through (loose objects) into run config.
 */

import { z } from 'zod';

export const GUIDELLM = 'guidellm';

const num = z.number();
const maybeNum = num.nullable().optional();

/** One status of a StatusDistributionSummary: `{mean, median, std_dev, min, max, count, percentiles{p001..p999}, …}`. */
export const DistributionSummary = z.looseObject({
  mean: num,
  median: maybeNum,
  std_dev: maybeNum,
  min: maybeNum,
  max: maybeNum,
  count: maybeNum,
  percentiles: z.record(z.string(), num).nullable().optional(),
});
export type DistributionSummary = z.infer<typeof DistributionSummary>;

const Timings = z.looseObject({
  targeted_start: maybeNum,
  queued: maybeNum,
  scheduled_at: maybeNum,
  resolve_start: maybeNum,
  request_start: maybeNum,
  first_token_iteration: maybeNum,
  first_output_token_iteration: maybeNum,
  last_token_iteration: maybeNum,
  request_iterations: maybeNum,
  token_iterations: maybeNum,
  request_end: maybeNum,
  resolve_end: maybeNum,
});

const Usage = z
  .looseObject({ total_tokens: maybeNum, text_tokens: maybeNum })
  .nullable()
  .optional();

/** A serialised GenerativeRequestStats (with its computed fields). */
export const RequestStats = z.looseObject({
  request_id: z.string().optional(),
  response_id: z.string().nullable().optional(),
  info: z
    .looseObject({
      status: z.string().optional(),
      error: z.string().nullable().optional(),
      conversation_id: z.string().nullable().optional(),
      timings: Timings.optional(),
    })
    .optional(),
  input_metrics: Usage,
  output_metrics: Usage,
  request_start_time: maybeNum,
  request_end_time: maybeNum,
  prompt_tokens: maybeNum,
  output_tokens: maybeNum,
});
export type RequestStats = z.infer<typeof RequestStats>;

const RequestList = z.array(z.unknown()).nullable().optional();

export const Benchmark = z.looseObject({
  type_: z.string().optional(),
  config: z
    .looseObject({
      id_: z.string().optional(),
      run_id: z.string().optional(),
      run_index: maybeNum,
      strategy: z
        .looseObject({
          type_: z.string().optional(),
          rate: maybeNum,
          streams: maybeNum,
          max_concurrency: maybeNum,
        })
        .optional(),
      backend: z.looseObject({ model: z.string().nullable().optional() }).optional(),
    })
    .optional(),
  start_time: num,
  end_time: num,
  duration: num.nonnegative().optional(),
  requests: z
    .looseObject({ successful: RequestList, errored: RequestList, incomplete: RequestList })
    .optional(),
  metrics: z.record(z.string(), z.unknown()),
});
export type Benchmark = z.infer<typeof Benchmark>;

export const Report = z.looseObject({
  metadata: z
    .looseObject({ version: maybeNum, guidellm_version: z.string().optional() })
    .optional(),
  config: z.unknown().optional(),
  benchmarks: z.array(Benchmark),
});
export type Report = z.infer<typeof Report>;
