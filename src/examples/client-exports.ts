/**
 * @module Writes the run as the per-request exports of three more benchmark clients: SGLang
 * `bench_serving` JSONL, GenAI-Perf `profile_export.json` and AIPerf `profile_export.jsonl`.
 */

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { aiperfProfileExportJsonl } from './aiperf.js';
import { genaiPerfProfileExport } from './genai-perf.js';
import { sglangBenchLine } from './sglang-bench.js';
import type { ExampleFile } from './write-examples.js';
import type { ExampleRun } from './workload.js';

export async function writeClientExports(dir: string, run: ExampleRun): Promise<ExampleFile[]> {
  const files: [string, string, string][] = [
    ['sglang-bench.jsonl', `${sglangBenchLine(run, { tag: 'example' })}\n`, 'sglang-bench'],
    [
      'genai-perf/profile_export.json',
      genaiPerfProfileExport(run, { mergeEvery: 9 }),
      'genai-perf',
    ],
    ['aiperf/profile_export.jsonl', aiperfProfileExportJsonl(run), 'aiperf'],
  ];
  const out: ExampleFile[] = [];
  for (const [name, text, format] of files) {
    const path = join(dir, name);
    await fs.mkdir(join(path, '..'), { recursive: true });
    await fs.writeFile(path, text);
    out.push({ path, format, labels: { tool: format } });
  }
  return out;
}
