import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleRun } from '../../examples/workload.js';
import { vllmBenchJson } from '../../examples/vllm-bench.js';
import { vllmMetricsText } from '../../examples/prometheus.js';
import { otlpMetricsJson } from '../../examples/otlp.js';
import { ingestFile } from '../../store/ingest.js';
import { withStore } from '../../../test/helpers.js';
import { summarize } from './summary.js';

function spanOf(run: ReturnType<typeof exampleRun>, pool?: string): number {
  const rs = run.requests.filter((r) => r.ok && (!pool || r.pool === pool));
  const start = Math.min(...rs.map((r) => r.sendS));
  return Math.max(...rs.map((r) => r.sendS + r.e2eS)) - start;
}

describe('summary durations and throughput', () => {
  it('adds the spans of runs hours apart instead of counting the idle time between them', async () => {
    await withStore(async (store, dir) => {
      const morning = exampleRun({ seed: 1, requests: 50, startS: 1_763_640_000, errorRate: 0 });
      const evening = exampleRun({
        seed: 2,
        requests: 50,
        startS: 1_763_640_000 + 8 * 3600,
        errorRate: 0,
      });
      writeFileSync(join(dir, 'm.json'), JSON.stringify(vllmBenchJson(morning)));
      writeFileSync(join(dir, 'e.json'), JSON.stringify(vllmBenchJson(evening)));
      await ingestFile(store, join(dir, 'm.json'));
      await ingestFile(store, join(dir, 'e.json'));
      const [g] = (await summarize(store)).groups;
      expect(g.duration_s).toBeCloseTo(spanOf(morning) + spanOf(evening), 6);
      expect(g.throughput.requests_per_s).toBeCloseTo(100 / (spanOf(morning) + spanOf(evening)), 6);
    });
  });

  it('takes the union of overlapping runs, not their sum', async () => {
    await withStore(async (store, dir) => {
      const run = exampleRun({ seed: 4, requests: 80, errorRate: 0 });
      for (const pool of ['a', 'b']) {
        writeFileSync(
          join(dir, `${pool}.json`),
          JSON.stringify(vllmBenchJson(run, { filter: (p) => p === pool })),
        );
        await ingestFile(store, join(dir, `${pool}.json`), { labels: { pool } });
      }
      const [all] = (await summarize(store)).groups;
      expect(all.duration_s).toBeCloseTo(spanOf(run), 6);
      const byPool = (await summarize(store, { by: 'pool' })).groups;
      expect(byPool.map((g) => g.key)).toEqual(['a', 'b']);
      expect(byPool[0].duration_s).toBeCloseTo(spanOf(run, 'a'), 6);
    });
  });

  it('counts goodput against every threshold and notes requests lacking an SLO metric', async () => {
    await withStore(async (store, dir) => {
      const run = exampleRun({ seed: 6, requests: 60 });
      writeFileSync(join(dir, 'r.json'), JSON.stringify(vllmBenchJson(run)));
      await ingestFile(store, join(dir, 'r.json'));
      const slo = { ttft: 0.1, tpot: 0.03 };
      const s = await summarize(store, { slo });
      const good = run.requests.filter((r) => {
        if (!r.ok) return false;
        const tpot = r.gapsS.reduce((a, b) => a + b, 0) / (r.outputTokens - 1);
        return r.ttftS <= slo.ttft && tpot <= slo.tpot;
      }).length;
      expect(s.groups[0].goodput!.good).toBe(good);
      // Client data has no queue time: a queue SLO cannot be met, and the summary says why.
      const q = await summarize(store, { slo: { queue: 1 } });
      expect(q.groups[0].goodput!.good).toBe(0);
      expect(q.notes.join('\n')).toMatch(/lack a value for an SLO metric/);
    });
  });

  it('rejects unknown SLO keys and group dimensions', async () => {
    await withStore(async (store) => {
      await expect(summarize(store, { slo: { ttfb: 1 } })).rejects.toMatchObject({ code: 'USAGE' });
      await expect(summarize(store, { by: 'label:bad key' })).rejects.toMatchObject({
        code: 'USAGE',
      });
    });
  });

  it('never mixes statistics reported under different definitions', async () => {
    await withStore(async (store) => {
      await store.run(`INSERT INTO ingest VALUES ('i1', 'f', 'd', 'x', 1, 0, '{}', '{}', '{}', 1)`);
      await store.run(`INSERT INTO run (ingest_id, run_id, tool, clock, completed, failed)
                       VALUES ('i1', 'r', 't', 'request', 10, 0)`);
      await store.run(`INSERT INTO run_stat VALUES
        ('i1', 'r', 'tpot', 'ntpot_mean', 'e2e_per_output_token', 'mean', 0.0075, 's'),
        ('i1', 'r', 'tpot', 'tpot_mean', NULL, 'mean', 0.005, 's'),
        ('i1', 'r', 'tpot', 'ntpot_p99', 'e2e_per_output_token', 'p99', 0.02, 's'),
        ('i1', 'r', 'ttft', 'ttft_p99', 'server_histogram_estimate', 'p99', 0.3, 's')`);
      const [g] = (await summarize(store)).groups;
      expect(g.basis).toBe('reported');
      expect(g.latency.tpot).toMatchObject({ mean: 0.005, p99: null });
      expect(g.latency.ttft).toMatchObject({ p99: 0.3 });
      expect(g.definitions).toEqual({ ttft: 'server_histogram_estimate' });
    });
  });

  it('differences scrapes of one server saved as separate files', async () => {
    await withStore(async (store, dir) => {
      const run = exampleRun({ seed: 8, requests: 120 });
      const mid = run.startS + run.durationS / 2;
      const end = run.startS + run.durationS + 2;
      writeFileSync(join(dir, 'one-file.prom'), vllmMetricsText(run, { scrapesS: [mid, end] }));
      writeFileSync(join(dir, 'first.prom'), vllmMetricsText(run, { scrapesS: [mid] }));
      writeFileSync(join(dir, 'last.prom'), vllmMetricsText(run, { scrapesS: [end] }));
      await ingestFile(store, join(dir, 'one-file.prom'), { labels: { replica: 'r1' } });
      await ingestFile(store, join(dir, 'first.prom'), { labels: { replica: 'r2' } });
      await ingestFile(store, join(dir, 'last.prom'), { labels: { replica: 'r2' } });
      const groups = (await summarize(store, { by: 'replica' })).groups;
      expect(groups.map((g) => [g.key, g.basis])).toEqual([
        ['r1', 'server_histograms'],
        ['r2', 'server_histograms'],
      ]);
      // Two files of replica r2 give the same increase as one file holding both scrapes.
      expect(groups[1].requests).toBe(groups[0].requests);
      expect(groups[1].latency.ttft).toEqual(groups[0].latency.ttft);
      expect(groups[0].requests).toBeGreaterThan(0);
    });
  });

  it('keeps client-side and server-side OTel histograms of the same traffic apart', async () => {
    await withStore(async (store, dir) => {
      const run = exampleRun({ seed: 12, requests: 80 });
      const server = JSON.stringify(otlpMetricsJson(run));
      const client = server
        .replaceAll(
          'gen_ai.server.time_to_first_token',
          'gen_ai.client.operation.time_to_first_chunk',
        )
        .replaceAll('gen_ai.server.request.duration', 'gen_ai.client.operation.duration');
      writeFileSync(join(dir, 'server.json'), server);
      writeFileSync(join(dir, 'client.json'), client);
      await ingestFile(store, join(dir, 'server.json'));
      await ingestFile(store, join(dir, 'client.json'));
      const groups = (await summarize(store)).groups;
      expect(groups.map((g) => [g.basis, g.server])).toEqual([
        ['server_histograms', 'otel'],
        ['server_histograms', 'otel-client'],
      ]);
      expect(groups[0].requests).toBe(groups[1].requests);
      expect(groups[0].requests).toBeGreaterThan(0);
    });
  });
});
