/** @module Every source format, by name. Adding a format touches its folder and this list. */

import { InferscopeError } from '../base/errors.js';
import type { Probe, SourceFormat } from './source.js';
import { vllmBench } from './vllm-bench/index.js';
import { prometheus } from './prometheus/index.js';
import { otlp } from './otlp/index.js';
import { sglangBench } from './sglang-bench/index.js';
import { genaiPerf, genaiPerfSummary } from './genai-perf/index.js';
import { aiperf, aiperfSummary } from './aiperf/index.js';
import { llmperf } from './llmperf/index.js';
import { inferencePerf } from './inference-perf/index.js';
import { guidellm } from './guidellm/index.js';
import { azureTrace, mooncakeTrace, requestTrace, vidurTrace } from './request-trace/index.js';

export const FORMATS: readonly SourceFormat[] = [
  vllmBench,
  llmperf,
  inferencePerf,
  guidellm,
  sglangBench,
  prometheus,
  otlp,
  azureTrace,
  mooncakeTrace,
  vidurTrace,
  requestTrace,
  genaiPerf,
  genaiPerfSummary,
  aiperf,
  aiperfSummary,
];

export function formatByName(name: string): SourceFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) {
    throw new InferscopeError('USAGE', `unknown format "${name}"`, {
      field: 'format',
      hint: `one of: ${FORMATS.map((x) => x.name).join(', ')} (see \`inferscope formats\`)`,
    });
  }
  return f;
}

export interface SniffResult {
  format: SourceFormat | undefined;
  scores: { name: string; score: number }[];
}

/** Asks every format; the highest non-zero score wins. */
export function sniff(probe: Probe): SniffResult {
  const scores = FORMATS.map((f) => {
    let score = 0;
    try {
      score = f.sniff(probe);
    } catch {
      score = 0;
    }
    return { name: f.name, score };
  }).sort((a, b) => b.score - a.score);
  const best = scores[0];
  return {
    format: best && best.score > 0 ? FORMATS.find((f) => f.name === best.name) : undefined,
    scores,
  };
}
