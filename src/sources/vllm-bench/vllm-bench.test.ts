import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantile } from '../../base/stats.js';
import { summarize } from '../../analyses/summary/summary.js';
import { exampleRun } from '../../examples/workload.js';
import { vllmBenchJson } from '../../examples/vllm-bench.js';
import { ingestFile } from '../../store/ingest.js';
import { withStore } from '../../../test/helpers.js';

describe('vllm-bench source', () => {
  const run = exampleRun({ seed: 7, requests: 120 });

  it('recomputes vLLM bench figures from the per-request arrays', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'bench.json');
      const doc = vllmBenchJson(run);
      writeFileSync(path, JSON.stringify(doc));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('vllm-bench');
      expect(r.counts.request).toBe(120);
      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'requests')!;
      const ok = run.requests.filter((x) => x.ok);
      expect(g.requests).toBe(120);
      expect(g.errors).toBe(120 - ok.length);
      // vLLM's own median/p99 (computed like numpy) must match ours.
      expect(g.latency.ttft!.p50! * 1000).toBeCloseTo(doc.median_ttft_ms as number, 6);
      expect(g.latency.ttft!.p99! * 1000).toBeCloseTo(doc.p99_ttft_ms as number, 6);
      // Our TPOT ends at the last chunk; vLLM's ends when the stream closes (latency), so compute
      // ours independently from the chunk gaps.
      const tpots = ok.map((x) => x.gapsS.reduce((a, b) => a + b, 0) / (x.outputTokens - 1));
      expect(g.latency.tpot!.p99!).toBeCloseTo(quantile(tpots, 0.99), 9);
      expect(g.latency.itl_chunk!.p50! * 1000).toBeCloseTo(doc.median_itl_ms as number, 3);
      expect(g.latency.e2e!.mean!).toBeCloseTo(ok.reduce((a, x) => a + x.e2eS, 0) / ok.length, 6);
    });
  });

  it('keeps the tool-reported stats and labels a summary-only file as reported', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'bench.json');
      const doc = vllmBenchJson(run, { detailed: false });
      delete doc.latencies;
      delete doc.queue_times;
      writeFileSync(path, JSON.stringify(doc));
      await ingestFile(store, path);
      const s = await summarize(store);
      expect(s.groups).toHaveLength(1);
      expect(s.groups[0].basis).toBe('reported');
      expect(s.groups[0].latency.ttft!.p99! * 1000).toBeCloseTo(doc.p99_ttft_ms as number, 9);
    });
  });

  it('reads the legacy key set (no failed, start_times, queue_times) on the request clock', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'bench.json');
      writeFileSync(path, JSON.stringify(vllmBenchJson(run, { legacy: true })));
      await ingestFile(store, path);
      const rows = await store.query(`SELECT DISTINCT clock FROM request`, { clock: 'text' });
      expect(rows).toEqual([{ clock: 'request' }]);
      const s = await summarize(store);
      expect(s.groups[0].duration_s).toBeCloseTo(vllmBenchJson(run).duration as number, 9);
    });
  });

  it('does not flag requests whose latency is exactly ttft plus the chunk gaps', async () => {
    await withStore(async (store, dir) => {
      const doc = vllmBenchJson(run);
      // vLLM computes latency as (last chunk - send): the sum rounds differently than the parts.
      doc.latencies = run.requests.map((r) =>
        r.ok ? r.ttftS + r.gapsS.reduce((a, b) => a + b, 0) : 0,
      );
      const path = join(dir, 'exact.json');
      writeFileSync(path, JSON.stringify(doc));
      const r = await ingestFile(store, path);
      expect(r.flags).toEqual({});
    });
  });
});
