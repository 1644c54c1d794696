import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../analyses/summary/summary.js';
import { isInferscopeError } from '../../base/errors.js';
import { inferencePerfReports } from '../../examples/inference-perf.js';
import { llmperfSummary } from '../../examples/llmperf.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { HAS_SAMPLES, SAMPLES, pct, withStore } from '../../../test/helpers.js';
import { inferencePerf } from './inference-perf.js';

type Dist = Record<string, number>;
interface LifecycleDoc {
  load_summary: Record<string, unknown>;
  successes: {
    count: number;
    latency: Record<string, Dist>;
    throughput: Record<string, number>;
  };
  failures: { count: number };
}
interface PromDoc {
  successes: Record<string, Dist | number>;
}

/** numpy linear percentile, independent of src/base. */

async function stat(store: Store, ingestId: string, native: string) {
  const rows = await store.query(
    `SELECT metric, stat, value, definition FROM run_stat WHERE ingest_id = ? AND native_name = ?`,
    { metric: 'text', stat: 'text', value: 'float', definition: 'text?' },
    [ingestId, native],
  );
  expect(rows, native).toHaveLength(1);
  return rows[0];
}

function writeAll(dir: string, docs: Record<string, unknown>): string[] {
  return Object.entries(docs).map(([name, doc]) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(doc));
    return path;
  });
}

describe('inference-perf source', () => {
  const run = exampleRun({ seed: 5, requests: 150, tokensPerChunk: 3, errorRate: 0.04 });

  it('recomputes the lifecycle figures from the per-request file', async () => {
    await withStore(async (store, dir) => {
      const docs = inferencePerfReports(run, { stages: 3 });
      const path = writeAll(dir, {
        'per_request_lifecycle_metrics.json': docs['per_request_lifecycle_metrics.json'],
      })[0];
      const r = await ingestFile(store, path);
      expect(r.format).toBe('inference-perf');
      expect(r.counts.request).toBe(150);
      const clocks = await store.query(`SELECT DISTINCT clock FROM request`, { clock: 'text' });
      expect(clocks).toEqual([{ clock: 'run' }]);

      const life = docs['summary_lifecycle_metrics.json'] as LifecycleDoc;
      const g = (await summarize(store)).groups[0];
      expect(g.basis).toBe('requests');
      expect(g.requests).toBe(150);
      expect(g.errors).toBe(life.failures.count);
      const lat = life.successes.latency;
      expect(g.latency.ttft!.p50!).toBeCloseTo(lat.time_to_first_token.median, 6);
      expect(g.latency.ttft!.p99!).toBeCloseTo(lat.time_to_first_token.p99, 6);
      expect(g.latency.tpot!.p90!).toBeCloseTo(lat.time_per_output_token.p90, 6);
      expect(g.latency.e2e!.mean!).toBeCloseTo(lat.request_latency.mean, 6);
      // Same window as inference-perf (first start → last end), so the same request rate.
      expect(g.throughput.requests_per_s!).toBeCloseTo(
        life.successes.throughput.requests_per_sec,
        6,
      );
      // Chunks are runs of equal token times (3 tokens each, the last may be shorter); the
      // trailing usage chunk carries no token and is not a chunk.
      const ok = run.requests.filter((x) => x.ok);
      const chunks = await store.query(`SELECT count(*) AS n, sum(tokens) AS t FROM chunk`, {
        n: 'int',
        t: 'int',
      });
      expect(chunks[0].n).toBe(ok.reduce((a, x) => a + x.chunkTokens.length, 0));
      expect(chunks[0].t).toBe(ok.reduce((a, x) => a + x.outputTokens, 0));
      // Their ITL puts the chunk gap on one token and 0 on the others; ours spreads it.
      const gaps = ok.flatMap((x) => x.gapsS);
      expect(g.latency.itl_chunk!.p50!).toBeCloseTo(pct(gaps, 0.5), 6);
      expect(lat.inter_token_latency.median).toBe(0);
      expect(g.latency.itl!.p50!).toBeGreaterThan(0);
    });
  });

  it('keeps lifecycle and Prometheus stage reports with their definitions', async () => {
    await withStore(async (store, dir) => {
      const docs = inferencePerfReports(run, { stages: 3 });
      delete docs['per_request_lifecycle_metrics.json'];
      const ids: Record<string, string> = {};
      for (const path of writeAll(dir, docs)) {
        const r = await ingestFile(store, path);
        expect(r.format, path).toBe('inference-perf');
        ids[path.slice(dir.length + 1)] = r.ingestId;
      }
      const runs = await store.query(`SELECT DISTINCT run_id FROM run ORDER BY run_id`, {
        run_id: 'text',
      });
      expect(runs.map((x) => x.run_id)).toEqual(['all_stages', 'stage_0', 'stage_1', 'stage_2']);
      const life = docs['stage_1_lifecycle_metrics.json'] as LifecycleDoc;
      const id = ids['stage_1_lifecycle_metrics.json'];
      const ntpot = await stat(store, id, 'successes.latency.normalized_time_per_output_token.p99');
      expect(ntpot).toMatchObject({ metric: 'tpot', definition: 'e2e_per_output_token' });
      expect(ntpot.value).toBe(life.successes.latency.normalized_time_per_output_token.p99);
      const itl = await stat(store, id, 'successes.latency.inter_token_latency.median');
      expect(itl).toMatchObject({
        metric: 'itl',
        stat: 'p50',
        definition: 'per_token_zero_within_chunk',
      });
      const prom = docs['stage_1_prometheus_metrics.json'] as PromDoc;
      const ttft = await stat(
        store,
        ids['stage_1_prometheus_metrics.json'],
        'prometheus.time_to_first_token.p99',
      );
      expect(ttft).toMatchObject({
        metric: 'ttft',
        stat: 'p99',
        definition: 'server_histogram_estimate',
      });
      expect(ttft.value).toBe((prom.successes.time_to_first_token as Dist).p99);

      const s = await summarize(store);
      expect(s.groups.every((g) => g.basis === 'reported')).toBe(true);
      expect(s.groups).toHaveLength(8);
      const stage1 = s.groups.find((g) => g.run!.ingest_id === id)!;
      expect(stage1.requests).toBe(life.successes.count + life.failures.count);
      expect(stage1.latency.ttft!.p99).toBe(life.successes.latency.time_to_first_token.p99);
      expect(stage1.throughput.requests_per_s).toBe(life.successes.throughput.requests_per_sec);
      expect(stage1.duration_s!).toBeCloseTo(
        life.successes.count / life.successes.throughput.requests_per_sec,
        9,
      );
    });
  });

  it('reads the older per-request key set and epoch times', async () => {
    await withStore(async (store, dir) => {
      const docs = inferencePerfReports(run, { legacyPerRequest: true, origin: 'epoch' });
      const path = writeAll(dir, {
        'per_request_lifecycle_metrics.json': docs['per_request_lifecycle_metrics.json'],
      })[0];
      await ingestFile(store, path);
      const clocks = await store.query(`SELECT DISTINCT clock FROM request`, { clock: 'text' });
      expect(clocks).toEqual([{ clock: 'epoch' }]);
      const life = docs['summary_lifecycle_metrics.json'] as LifecycleDoc;
      const g = (await summarize(store)).groups[0];
      expect(g.latency.ttft!.p90!).toBeCloseTo(life.successes.latency.time_to_first_token.p90, 6);
    });
  });

  it('rejects truncated and mistyped reports, writing nothing', async () => {
    await withStore(async (store, dir) => {
      const docs = inferencePerfReports(run);
      const text = JSON.stringify(docs['stage_0_lifecycle_metrics.json'], null, 2);
      const cut = join(dir, 'stage_0_lifecycle_metrics.json');
      writeFileSync(cut, text.slice(0, 400));
      const e1 = await ingestFile(store, cut, { format: 'inference-perf' }).catch(
        (e: unknown) => e,
      );
      expect(isInferscopeError(e1) && e1.code).toBe('PARSE_ERROR');
      expect(isInferscopeError(e1) && e1.context.line).toBeGreaterThan(1);

      const bad = docs['stage_1_lifecycle_metrics.json'] as LifecycleDoc;
      (bad.successes as unknown as Record<string, unknown>).count = 'many';
      const p2 = join(dir, 'stage_1_lifecycle_metrics.json');
      writeFileSync(p2, JSON.stringify(bad));
      const e2 = await ingestFile(store, p2).catch((e: unknown) => e);
      expect(isInferscopeError(e2) && e2.context.field).toBe('successes.count');

      const list = docs['per_request_lifecycle_metrics.json'] as Record<string, unknown>[];
      list[7].end_time = 'later';
      const p3 = join(dir, 'per_request_lifecycle_metrics.json');
      writeFileSync(p3, JSON.stringify(list));
      const e3 = await ingestFile(store, p3).catch((e: unknown) => e);
      expect(isInferscopeError(e3) && e3.context.field).toBe('[7].end_time');
      const n = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
      expect(n[0].n).toBe(0);
    });
  });

  it('sniffs by name and content, and nothing else', async () => {
    await withStore(async (_store, dir) => {
      const docs = inferencePerfReports(run);
      for (const path of writeAll(dir, docs)) {
        expect(sniff(await readProbe(path)).format?.name, path).toBe('inference-perf');
      }
      const other = join(dir, 'stage_0_lifecycle_metrics.json.bak.json');
      writeFileSync(other, JSON.stringify(llmperfSummary(run)));
      expect(inferencePerf.sniff(await readProbe(other))).toBe(0);
    });
  });
});

describe.skipIf(!HAS_SAMPLES)('inference-perf real samples', () => {
  const root = join(SAMPLES, 'inference_perf_kubecon2025');
  const scenarios = HAS_SAMPLES ? readdirSync(root).sort() : [];

  it('ingests every file of every scenario', async () => {
    await withStore(async (store) => {
      let n = 0;
      for (const sc of scenarios) {
        for (const f of readdirSync(join(root, sc))) {
          const r = await ingestFile(store, join(root, sc, f), { labels: { scenario: sc } });
          expect(r.format, `${sc}/${f}`).toBe('inference-perf');
          n++;
        }
      }
      const rows = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
      expect(rows[0].n).toBe(n);
    });
  });

  for (const sc of ['vllm', 'vllm+eagle']) {
    it(`matches the raw ${sc} reports figure for figure`, async () => {
      await withStore(async (store) => {
        const dir = join(root, sc);
        const files = readdirSync(dir).sort();
        const byIngest = new Map<string, string>();
        for (const f of files) byIngest.set((await ingestFile(store, join(dir, f))).ingestId, f);
        const groups = (await summarize(store)).groups;
        expect(groups).toHaveLength(files.length);
        for (const g of groups) {
          const f = byIngest.get(g.run!.ingest_id)!;
          const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as LifecycleDoc & PromDoc;
          const runId = f.startsWith('summary') ? 'all_stages' : f.split('_').slice(0, 2).join('_');
          expect(g.run!.run_id).toBe(runId);
          if (f.includes('lifecycle')) {
            const lat = raw.successes.latency;
            expect(g.requests).toBe(raw.successes.count + raw.failures.count);
            expect(g.errors).toBe(raw.failures.count);
            expect(g.latency.ttft!.p99).toBe(lat.time_to_first_token.p99);
            expect(g.latency.ttft!.p50).toBe(lat.time_to_first_token.median);
            expect(g.latency.e2e!.mean).toBe(lat.request_latency.mean);
            expect(g.latency.e2e!.p999).toBe(lat.request_latency['p99.9']);
            expect(g.throughput.requests_per_s).toBe(raw.successes.throughput.requests_per_sec);
            expect(g.throughput.output_tokens_per_s).toBe(
              raw.successes.throughput.output_tokens_per_sec,
            );
            const tpot = await stat(
              store,
              g.run!.ingest_id,
              'successes.latency.time_per_output_token.p90',
            );
            expect(tpot.value).toBe(lat.time_per_output_token.p90);
            expect(tpot.definition).toBeNull();
            // Duration recovered from count / rate agrees with the token rate the tool wrote.
            const outTok = (raw.successes as unknown as Record<string, Dist>).output_len.mean;
            expect((outTok * raw.successes.count) / g.duration_s!).toBeCloseTo(
              raw.successes.throughput.output_tokens_per_sec,
              6,
            );
          } else {
            const s = raw.successes;
            expect(g.requests).toBe(s.count);
            expect(g.latency.ttft!.p99).toBe((s.time_to_first_token as Dist).p99);
            expect(g.latency.e2e!.p50).toBe((s.request_latency as Dist).median);
            expect(g.throughput.requests_per_s).toBe(s.rate);
            expect(g.definitions?.ttft).toBe('server_histogram_estimate');
          }
        }
      });
    });
  }
});
