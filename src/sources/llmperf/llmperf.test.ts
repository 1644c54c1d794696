import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../analyses/summary/summary.js';
import { isInferscopeError } from '../../base/errors.js';
import { exampleRun } from '../../examples/workload.js';
import { llmperfIndividual, llmperfStem, llmperfSummary } from '../../examples/llmperf.js';
import { vllmBenchJson } from '../../examples/vllm-bench.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { HAS_SAMPLES, SAMPLES, avg, pct, withStore } from '../../../test/helpers.js';
import { llmperf } from './llmperf.js';

/** numpy/pandas linear-interpolation percentile, written here independently of src/base. */

async function statValue(store: Store, native: string, ingestId?: string): Promise<number> {
  const rows = await store.query(
    `SELECT value FROM run_stat WHERE native_name = ? ${ingestId ? 'AND ingest_id = ?' : ''}`,
    { value: 'float' },
    ingestId ? [native, ingestId] : [native],
  );
  expect(rows).toHaveLength(1);
  return rows[0].value;
}

async function ingestCount(store: Store): Promise<number> {
  const rows = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
  return rows[0].n;
}

describe('llmperf source', () => {
  const run = exampleRun({ seed: 11, requests: 90, errorRate: 0.05 });
  const stem = llmperfStem(run);

  it('ingests a summary/individual pair under one run_id and recomputes the summary', async () => {
    await withStore(async (store, dir) => {
      const summary = llmperfSummary(run);
      const individual = llmperfIndividual(run);
      const sPath = join(dir, `${stem}_summary.json`);
      const iPath = join(dir, `${stem}_individual_responses.json`);
      writeFileSync(sPath, JSON.stringify(summary, null, 4));
      writeFileSync(iPath, JSON.stringify(individual, null, 4));
      expect((await ingestFile(store, sPath)).format).toBe('llmperf');
      const r = await ingestFile(store, iPath);
      expect(r.format).toBe('llmperf');
      expect(r.counts.request).toBe(90);

      const runs = await store.query(
        `SELECT run_id, duration_s, completed, failed FROM run ORDER BY duration_s NULLS FIRST`,
        { run_id: 'text', duration_s: 'float?', completed: 'int?', failed: 'int?' },
      );
      expect(runs.map((x) => x.run_id)).toEqual([stem, stem]);
      // The individual file has no duration: left NULL, never invented.
      expect(runs[0].duration_s).toBeNull();
      const ok = run.requests.filter((x) => x.ok);
      expect(runs[1].duration_s).toBeCloseTo(
        Math.max(...run.requests.map((x) => x.sendS + x.e2eS)) - run.requests[0].sendS,
        6,
      );
      expect(runs[0].failed).toBe(90 - ok.length);

      const s = await summarize(store);
      const req = s.groups.find((g) => g.basis === 'requests')!;
      expect(req.requests).toBe(90);
      expect(req.errors).toBe(90 - ok.length);
      expect(req.duration_s).toBeNull();
      expect(req.throughput.requests_per_s).toBeNull();
      // Our percentiles from the per-request file equal llmperf's own (pandas) ones.
      expect(req.latency.ttft!.p50!).toBeCloseTo(summary.results_ttft_s_quantiles_p50 as number, 9);
      expect(req.latency.ttft!.p99!).toBeCloseTo(summary.results_ttft_s_quantiles_p99 as number, 9);
      expect(req.latency.e2e!.mean!).toBeCloseTo(
        summary.results_end_to_end_latency_s_mean as number,
        9,
      );
      // Our TPOT excludes the first token: (e2e − ttft) / (n − 1) without chunk times.
      const tpots = ok.map((x) => (x.e2eS - x.ttftS) / (x.outputTokens - 1));
      expect(req.latency.tpot!.p50!).toBeCloseTo(pct(tpots, 0.5), 9);

      const rep = s.groups.find((g) => g.basis === 'reported')!;
      expect(rep.run!.run_id).toBe(stem);
      expect(rep.requests).toBe(90);
      expect(rep.latency.ttft!.p90!).toBeCloseTo(
        summary.results_ttft_s_quantiles_p90 as number,
        12,
      );
      expect(rep.definitions).toEqual({ tpot: 'incl_first_token' });
      expect(rep.throughput.requests_per_s!).toBeCloseTo(ok.length / rep.duration_s!, 9);
      expect(rep.error_rate).toBeCloseTo((90 - ok.length) / 90, 12);

      // Token-count min/max arrive as strings and are stored as numbers.
      const minOut = await statValue(store, 'results_number_output_tokens_min');
      expect(minOut).toBe(Number(summary.results_number_output_tokens_min));
      const related = await store.query(
        `SELECT count(*) AS n FROM request q JOIN run_stat s USING (run_id)
         WHERE s.native_name = 'results_ttft_s_quantiles_p50'`,
        { n: 'int' },
      );
      expect(related[0].n).toBe(90);
    });
  });

  it('reads a summary with optional keys missing (no duration, no rates)', async () => {
    await withStore(async (store, dir) => {
      const summary = llmperfSummary(run);
      delete summary.results_num_completed_requests_per_min;
      delete summary.results_mean_output_throughput_token_per_s;
      delete summary.timestamp;
      delete summary.name;
      const path = join(dir, 'custom_summary.json');
      writeFileSync(path, JSON.stringify(summary));
      await ingestFile(store, path);
      const runs = await store.query(`SELECT run_id, duration_s FROM run`, {
        run_id: 'text',
        duration_s: 'float?',
      });
      expect(runs).toEqual([{ run_id: 'custom', duration_s: null }]);
      const s = await summarize(store);
      expect(s.groups[0].throughput.requests_per_s).toBeNull();
    });
  });

  it('rejects a truncated summary and a wrongly typed field, writing nothing', async () => {
    await withStore(async (store, dir) => {
      const text = JSON.stringify(llmperfSummary(run), null, 4);
      const cut = join(dir, 'cut_summary.json');
      writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
      const e1 = await ingestFile(store, cut).catch((e: unknown) => e);
      expect(isInferscopeError(e1) && e1.code).toBe('PARSE_ERROR');
      expect(isInferscopeError(e1) && e1.context.line).toBeGreaterThan(1);

      const rows = llmperfIndividual(run);
      rows[3].ttft_s = 'fast';
      const bad = join(dir, 'bad_individual_responses.json');
      writeFileSync(bad, JSON.stringify(rows));
      const e2 = await ingestFile(store, bad).catch((e: unknown) => e);
      expect(isInferscopeError(e2) && e2.code).toBe('PARSE_ERROR');
      expect(isInferscopeError(e2) && e2.context.field).toBe('[3].ttft_s');
      expect(isInferscopeError(e2) && e2.context.file).toBe(bad);

      const sum = llmperfSummary(run);
      sum.results_ttft_s_quantiles_p99 = 'n/a';
      const bad2 = join(dir, 'bad2_summary.json');
      writeFileSync(bad2, JSON.stringify(sum));
      const e3 = await ingestFile(store, bad2).catch((e: unknown) => e);
      expect(isInferscopeError(e3) && e3.context.field).toBe('results_ttft_s_quantiles_p99');
      expect(await ingestCount(store)).toBe(0);
    });
  });

  it('sniffs its own files and nothing else', async () => {
    await withStore(async (_store, dir) => {
      const s = join(dir, 'x_summary.json');
      const i = join(dir, 'x_individual_responses.json');
      const v = join(dir, 'vllm.json');
      writeFileSync(s, JSON.stringify(llmperfSummary(run), null, 4));
      writeFileSync(i, JSON.stringify(llmperfIndividual(run), null, 4));
      writeFileSync(v, JSON.stringify(vllmBenchJson(run)));
      expect(sniff(await readProbe(s)).format?.name).toBe('llmperf');
      expect(sniff(await readProbe(i)).format?.name).toBe('llmperf');
      expect(llmperf.sniff(await readProbe(v))).toBe(0);
    });
  });
});

describe.skipIf(!HAS_SAMPLES)('llmperf real samples', () => {
  const dir = join(SAMPLES, 'llmperf');
  const list = (sub: string) =>
    readdirSync(join(dir, sub))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, sub, f));

  it('ingests every summary with its figures as reported', async () => {
    await withStore(async (store) => {
      for (const path of list('summary')) {
        const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        const r = await ingestFile(store, path);
        expect(r.format, path).toBe('llmperf');
        expect(await statValue(store, 'results_ttft_s_quantiles_p99', r.ingestId)).toBe(
          raw.results_ttft_s_quantiles_p99,
        );
        expect(await statValue(store, 'results_end_to_end_latency_s_mean', r.ingestId)).toBe(
          raw.results_end_to_end_latency_s_mean,
        );
        expect(await statValue(store, 'results_number_input_tokens_max', r.ingestId)).toBe(
          Number(raw.results_number_input_tokens_max),
        );
        const runRow = await store.query(
          `SELECT run_id, completed, failed, duration_s FROM run WHERE ingest_id = ?`,
          { run_id: 'text', completed: 'int', failed: 'int', duration_s: 'float' },
          [r.ingestId],
        );
        expect(runRow[0].run_id).toBe(String(raw.name).replace(/_summary$/, ''));
        expect(runRow[0].completed).toBe(raw.results_num_completed_requests);
        expect(runRow[0].failed).toBe(raw.results_number_errors);
        // Duration recovered from completed-per-minute agrees with the output-token rate.
        const outTokens =
          (raw.results_number_output_tokens_mean as number) *
          (raw.results_num_completed_requests as number);
        expect(outTokens / runRow[0].duration_s).toBeCloseTo(
          raw.results_mean_output_throughput_token_per_s as number,
          6,
        );
      }
      expect(await ingestCount(store)).toBe(list('summary').length);
    });
  });

  it('recomputes the per-request figures of every individual file from the raw JSON', async () => {
    const files = list('individual');
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const path of files) {
      await withStore(async (store) => {
        const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
        const r = await ingestFile(store, path);
        expect(r.format, path).toBe('llmperf');
        expect(r.counts.request).toBe(raw.length);
        const ok = raw.filter((x) => x.error_code === null);
        const ttft = ok.map((x) => x.ttft_s as number);
        const e2e = ok.map((x) => x.end_to_end_latency_s as number);
        const g = (await summarize(store)).groups[0];
        expect(g.basis).toBe('requests');
        expect(g.requests).toBe(raw.length);
        expect(g.errors).toBe(raw.length - ok.length);
        expect(g.duration_s).toBeNull();
        expect(g.latency.ttft!.p50!).toBeCloseTo(pct(ttft, 0.5), 9);
        expect(g.latency.ttft!.p99!).toBeCloseTo(pct(ttft, 0.99), 9);
        expect(g.latency.e2e!.mean!).toBeCloseTo(avg(e2e), 9);
        expect(g.latency.e2e!.p90!).toBeCloseTo(pct(e2e, 0.9), 9);

        // The leaderboard's summary of the same provider run agrees with our recomputation.
        const summary = JSON.parse(
          readFileSync(path.replace('/individual/', '/summary/'), 'utf8'),
        ) as Record<string, number>;
        expect(g.latency.ttft!.p50!).toBeCloseTo(summary.results_ttft_s_quantiles_p50, 9);
        expect(g.latency.e2e!.mean!).toBeCloseTo(summary.results_end_to_end_latency_s_mean, 9);
        expect(g.errors).toBe(summary.results_number_errors);
      });
    }
  });
});
