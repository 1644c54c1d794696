/**
 * @module Writes a directory of example telemetry in every format inferscope reads, from one
 * seeded synthetic run, for `inferscope demo`, the README and tests.
 */

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { vllmBenchJson } from './vllm-bench.js';
import { otlpTraceJsonl } from './otlp.js';
import { vllmMetricsText } from './prometheus.js';
import { writeClientExports } from './client-exports.js';
import { guidellmReport } from './guidellm.js';
import { inferencePerfReports } from './inference-perf.js';
import { llmperfIndividual, llmperfStem, llmperfSummary } from './llmperf.js';
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
  files.push(...(await writeBenchmarkTools(dir, run)));
  files.push(...(await writeClientExports(dir, run)));
  files.push(...(await writeServerTelemetry(dir, run)));
  return { run, files };
}

/** llmperf's file pair, an inference-perf results folder and a GuideLLM report of the run. */
async function writeBenchmarkTools(dir: string, run: ExampleRun): Promise<ExampleFile[]> {
  const out: ExampleFile[] = [];
  const stem = llmperfStem(run);
  const llmperf: [string, unknown][] = [
    [`${stem}_summary.json`, llmperfSummary(run)],
    [`${stem}_individual_responses.json`, llmperfIndividual(run)],
  ];
  for (const [name, doc] of llmperf) {
    const path = join(dir, name);
    await fs.writeFile(path, JSON.stringify(doc, null, 4));
    out.push({ path, format: 'llmperf', labels: { tool: 'llmperf' } });
  }
  const ipDir = join(dir, 'inference-perf');
  await fs.mkdir(ipDir, { recursive: true });
  for (const [name, doc] of Object.entries(inferencePerfReports(run))) {
    const path = join(ipDir, name);
    await fs.writeFile(path, JSON.stringify(doc));
    out.push({ path, format: 'inference-perf', labels: { tool: 'inference-perf' } });
  }
  const path = join(dir, 'guidellm-benchmarks.json');
  await fs.writeFile(path, JSON.stringify(guidellmReport(run), null, 2));
  out.push({ path, format: 'guidellm', labels: { tool: 'guidellm' } });
  return out;
}

/** The server's view: two vLLM `/metrics` scrapes and the `llm_request` spans (OTLP JSON lines). */
async function writeServerTelemetry(dir: string, run: ExampleRun): Promise<ExampleFile[]> {
  const metrics = join(dir, 'vllm-metrics.prom');
  await fs.writeFile(metrics, vllmMetricsText(run));
  const traces = join(dir, 'vllm-otlp-traces.jsonl');
  await fs.writeFile(traces, otlpTraceJsonl(run));
  return [
    { path: metrics, format: 'prometheus', labels: { tool: 'vllm-server' } },
    { path: traces, format: 'otlp', labels: { tool: 'vllm-server' } },
  ];
}
