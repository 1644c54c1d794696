import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../analyses/summary/summary.js';
import { isInferscopeError } from '../../base/errors.js';
import { guidellmReport } from '../../examples/guidellm.js';
import { inferencePerfReports } from '../../examples/inference-perf.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { HAS_SAMPLES, SAMPLES, avg, pct, withStore } from '../../../test/helpers.js';
import { guidellm } from './guidellm.js';

interface Sds {
  successful: {
    mean: number;
    count: number;
    std_dev: number;
    median: number;
    percentiles: Record<string, number>;
  };
}
interface Bench {
  start_time: number;
  end_time: number;
  duration: number;
  requests: Record<string, Record<string, unknown>[]>;
  metrics: Record<string, Sds> & { request_totals: Record<string, number> };
}
interface ReportDoc {
  benchmarks: Bench[];
}

/** numpy linear percentile, independent of src/base. */

async function statRow(store: Store, runId: string, native: string) {
  const rows = await store.query(
    `SELECT metric, stat, value, unit, definition FROM run_stat WHERE run_id = ? AND native_name = ? AND stat <> 'rate'`,
    { metric: 'text', stat: 'text', value: 'float', unit: 'text', definition: 'text?' },
    [runId, native],
  );
  expect(rows, native).toHaveLength(1);
  return rows[0];
}

describe('guidellm source', () => {
  const run = exampleRun({ seed: 3, requests: 160, errorRate: 0.05, tokensPerChunk: 2 });

  it('recomputes the benchmark figures from the per-request entries', async () => {
    await withStore(async (store, dir) => {
      const doc = guidellmReport(run, { benchmarks: 2, incomplete: true }) as unknown as ReportDoc;
      const path = join(dir, 'benchmarks.json');
      writeFileSync(path, JSON.stringify(doc, null, 2));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('guidellm');
      expect(r.counts.request).toBe(160);
      expect(r.counts.run).toBe(2);
      expect(r.warnings.map((w) => w.code)).not.toContain('SAMPLED_REQUESTS');

      const s = await summarize(store);
      expect(s.groups).toHaveLength(1);
      const g = s.groups[0];
      expect(g.basis).toBe('requests');
      const all = doc.benchmarks.flatMap((b) =>
        ['successful', 'errored', 'incomplete'].flatMap((k) => b.requests[k]),
      );
      const ok = doc.benchmarks.flatMap((b) => b.requests.successful);
      expect(g.requests).toBe(all.length);
      expect(g.errors).toBe(all.length - ok.length);
      const ttft = ok.map((x) => (x.time_to_first_token_ms as number) / 1000);
      expect(g.latency.ttft!.p50!).toBeCloseTo(pct(ttft, 0.5), 6);
      expect(g.latency.ttft!.p99!).toBeCloseTo(pct(ttft, 0.99), 6);
      // GuideLLM's inter_token_latency_ms is our TPOT.
      const itl = ok.map((x) => (x.inter_token_latency_ms as number) / 1000);
      expect(g.latency.tpot!.p90!).toBeCloseTo(pct(itl, 0.9), 6);
      // A mean does not depend on the percentile method: ours equals GuideLLM's.
      const e2eMean =
        doc.benchmarks.reduce(
          (a, b) =>
            a +
            b.metrics.request_latency.successful.mean * b.metrics.request_latency.successful.count,
          0,
        ) / ok.length;
      expect(g.latency.e2e!.mean!).toBeCloseTo(e2eMean, 6);
      expect(g.latency.e2e!.mean!).toBeCloseTo(avg(ok.map((x) => x.request_latency as number)), 6);
      const span =
        Math.max(...doc.benchmarks.map((b) => b.end_time)) -
        Math.min(...doc.benchmarks.map((b) => b.start_time));
      expect(g.duration_s!).toBeCloseTo(span, 5);

      const aborted = await store.query(
        `SELECT count(*) AS n FROM request WHERE status = 'aborted' AND t_end_ns IS NOT NULL`,
        { n: 'int' },
      );
      expect(aborted[0].n).toBe(2);

      const b0 = doc.benchmarks[0].metrics;
      const tpot = await statRow(store, '0', 'time_per_output_token_ms.successful.percentiles.p99');
      expect(tpot).toMatchObject({
        metric: 'tpot',
        stat: 'p99',
        unit: 's',
        definition: 'incl_first_token',
      });
      expect(tpot.value).toBeCloseTo(
        b0.time_per_output_token_ms.successful.percentiles.p99 / 1000,
        12,
      );
      const lo = await statRow(store, '0', 'time_to_first_token_ms.successful.percentiles.p001');
      expect(lo.stat).toBe('p0.1');
      const hi = await statRow(store, '0', 'request_latency.successful.percentiles.p999');
      expect(hi).toMatchObject({ metric: 'e2e', stat: 'p99.9' });
      expect(hi.value).toBe(b0.request_latency.successful.percentiles.p999);
    });
  });

  it('warns, without failing, when the requests are a sample', async () => {
    await withStore(async (store, dir) => {
      const doc = guidellmReport(run, { benchmarks: 1, sampleSize: 10 }) as unknown as ReportDoc;
      const path = join(dir, 'sampled.json');
      writeFileSync(path, JSON.stringify(doc));
      const r = await ingestFile(store, path);
      expect(r.counts.request).toBe(10 + doc.benchmarks[0].requests.errored.length);
      expect(r.warnings.map((w) => w.code)).toContain('SAMPLED_REQUESTS');
      const runs = await store.query(`SELECT completed FROM run`, { completed: 'int' });
      expect(runs[0].completed).toBe(doc.benchmarks[0].metrics.request_totals.successful);
    });
  });

  it('rejects truncated and mistyped reports, writing nothing', async () => {
    await withStore(async (store, dir) => {
      const text = JSON.stringify(guidellmReport(run), null, 2);
      const cut = join(dir, 'cut.json');
      writeFileSync(cut, text.slice(0, text.length - 200));
      const e1 = await ingestFile(store, cut, { format: 'guidellm' }).catch((e: unknown) => e);
      expect(isInferscopeError(e1) && e1.code).toBe('PARSE_ERROR');
      expect(isInferscopeError(e1) && e1.context.line).toBeGreaterThan(1);

      const doc = guidellmReport(run) as unknown as ReportDoc;
      const req = doc.benchmarks[1].requests.successful[4];
      (req.info as { timings: Record<string, unknown> }).timings.first_token_iteration = 'soon';
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify(doc));
      const e2 = await ingestFile(store, bad).catch((e: unknown) => e);
      expect(isInferscopeError(e2) && e2.code).toBe('PARSE_ERROR');
      expect(isInferscopeError(e2) && e2.context.field).toBe(
        'benchmarks[1].requests.successful[4].info.timings.first_token_iteration',
      );
      const doc2 = guidellmReport(run) as unknown as ReportDoc;
      (doc2.benchmarks[0] as unknown as Record<string, unknown>).start_time = '2025-11-20';
      const bad2 = join(dir, 'bad2.json');
      writeFileSync(bad2, JSON.stringify(doc2));
      const e3 = await ingestFile(store, bad2).catch((e: unknown) => e);
      expect(isInferscopeError(e3) && e3.context.field).toBe('benchmarks[0].start_time');
      const n = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
      expect(n[0].n).toBe(0);
    });
  });

  it('sniffs its reports and nothing else', async () => {
    await withStore(async (_store, dir) => {
      const path = join(dir, 'report.json');
      writeFileSync(path, JSON.stringify(guidellmReport(run), null, 2));
      expect(sniff(await readProbe(path)).format?.name).toBe('guidellm');
      const other = join(dir, 'stage_0_lifecycle_metrics.json');
      writeFileSync(
        other,
        JSON.stringify(inferencePerfReports(run)['stage_0_lifecycle_metrics.json']),
      );
      expect(guidellm.sniff(await readProbe(other))).toBe(0);
    });
  });
});

describe.skipIf(!HAS_SAMPLES)('guidellm real sample', () => {
  const dir = join(SAMPLES, 'guidellm');
  const files = HAS_SAMPLES ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];

  it('ingests every report with its reported figures', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      await withStore(async (store) => {
        const path = join(dir, f);
        const raw = JSON.parse(readFileSync(path, 'utf8')) as ReportDoc;
        const r = await ingestFile(store, path);
        expect(r.format).toBe('guidellm');
        expect(r.counts.run).toBe(raw.benchmarks.length);
        const inFile = raw.benchmarks.reduce(
          (a, b) =>
            a +
            ['successful', 'errored', 'incomplete'].reduce((x, k) => x + b.requests[k].length, 0),
          0,
        );
        expect(r.counts.request ?? 0).toBe(inFile);
        // This fixture keeps no per-request entries although it reports requests: a sample.
        const reportedTotal = raw.benchmarks.reduce(
          (a, b) => a + b.metrics.request_totals.total,
          0,
        );
        if (inFile !== reportedTotal) {
          expect(r.warnings.map((w) => w.code)).toContain('SAMPLED_REQUESTS');
        }
        const runs = await store.query(
          `SELECT run_id, t_start_ns, t_end_ns, duration_s, completed, failed FROM run ORDER BY run_id`,
          {
            run_id: 'text',
            t_start_ns: 'bigint',
            t_end_ns: 'bigint',
            duration_s: 'float',
            completed: 'int',
            failed: 'int',
          },
        );
        const s = await summarize(store);
        raw.benchmarks.forEach((b, i) => {
          const row = runs[i];
          expect(row.run_id).toBe(String(i));
          expect(Number(row.t_start_ns) / 1e9).toBeCloseTo(b.start_time, 6);
          expect(Number(row.t_end_ns) / 1e9).toBeCloseTo(b.end_time, 6);
          expect(row.duration_s).toBe(b.duration);
          expect(row.completed).toBe(b.metrics.request_totals.successful);
          expect(row.failed).toBe(b.metrics.request_totals.errored);
          if (inFile > 0) return;
          const g = s.groups.find((x) => x.run?.run_id === String(i))!;
          expect(g.basis).toBe('reported');
          const m = b.metrics;
          expect(g.requests).toBe(m.request_totals.successful + m.request_totals.errored);
          expect(g.latency.ttft!.p50!).toBeCloseTo(
            m.time_to_first_token_ms.successful.percentiles.p50 / 1000,
            12,
          );
          expect(g.latency.ttft!.p99!).toBeCloseTo(
            m.time_to_first_token_ms.successful.percentiles.p99 / 1000,
            12,
          );
          expect(g.latency.ttft!.mean!).toBeCloseTo(
            m.time_to_first_token_ms.successful.mean / 1000,
            12,
          );
          expect(g.latency.e2e!.mean).toBe(m.request_latency.successful.mean);
          expect(g.latency.e2e!.p999).toBe(m.request_latency.successful.percentiles.p999);
          expect(g.throughput.requests_per_s).toBe(m.requests_per_second.successful.mean);
          expect(g.throughput.output_tokens_per_s).toBe(m.output_tokens_per_second.successful.mean);
        });
      });
    }
  });
});
