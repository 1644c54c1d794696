/**
 * @module Writes a directory of example telemetry in every format inferscope reads, from one
 * seeded synthetic run, for `inferscope demo`, the README and tests.
 */

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { vllmBenchJson } from './vllm-bench.js';
import { exampleRun, type ExampleRun, type WorkloadOptions } from './workload.js';

export interface ExampleFile {
  path: string;
  format: string;
  labels: Record<string, string>;
}

/** Writes the example files; returns them with the format and labels to ingest them with. */
export async function writeExamples(
  dir: string,
  options: WorkloadOptions = {},
): Promise<{ run: ExampleRun; files: ExampleFile[] }> {
  await fs.mkdir(dir, { recursive: true });
  const run = exampleRun(options);
  const files: ExampleFile[] = [];
  for (const pool of [...new Set(run.requests.map((r) => r.pool))].sort()) {
    const path = join(dir, `vllm-bench-pool-${pool}.json`);
    await fs.writeFile(
      path,
      JSON.stringify(vllmBenchJson(run, { filter: (p) => p === pool }), null, 2),
    );
    files.push({ path, format: 'vllm-bench', labels: { pool } });
  }
  return { run, files };
}
