import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mean, quantile } from '../../base/stats.js';
import { summarize } from '../../analyses/summary/summary.js';
import { exampleRun } from '../../examples/workload.js';
import { vllmBenchJson } from '../../examples/vllm-bench.js';
import { sglangBenchLine, sglangBenchRecord } from '../../examples/sglang-bench.js';
import { ingestFile } from '../../store/ingest.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { HAS_SAMPLES, SAMPLES, withStore } from '../../../test/helpers.js';
import { sglangBench } from './sglang-bench.js';

const FOLDER = join(SAMPLES, 'sglang_bench_serving');
const STAT = /^(mean|median|std|p\d+)_(ttft|tpot|itl|e2e_latency)_ms$/;
const RATE_KEYS = [
  'request_throughput',
  'input_throughput',
  'output_throughput',
  'total_throughput',
];

/** Parses SGLang JSONL independently of the source: Python writes bare Infinity / NaN. */
function rawLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l.replace(/\bInfinity\b/g, '1e999')) as Record<string, unknown>);
}

describe('sglang-bench source', () => {
  const run = exampleRun({ seed: 7, requests: 120 });
  const older = exampleRun({ seed: 8, requests: 40 });

  it('rebuilds requests from --output-details arrays and keeps every reported stat', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'bench.jsonl');
      const lines = [
        sglangBenchLine(run, { tag: 'rate4' }),
        sglangBenchLine(older, { keySet: '2024', requestRate: Infinity }),
      ];
      writeFileSync(path, lines.join('\n') + '\n');
      const r = await ingestFile(store, path);
      expect(r.format).toBe('sglang-bench');
      expect(r.counts.run).toBe(2);
      expect(r.counts.request).toBe(120);

      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'requests')!;
      const ok = run.requests.filter((x) => x.ok);
      expect(g.requests).toBe(120);
      expect(g.errors).toBe(120 - ok.length);
      expect(g.flagged).toBe(0);
      expect(g.latency.ttft!.p50!).toBeCloseTo(
        quantile(
          ok.map((x) => x.ttftS),
          0.5,
        ),
        9,
      );
      expect(g.latency.ttft!.p99!).toBeCloseTo(
        quantile(
          ok.map((x) => x.ttftS),
          0.99,
        ),
        9,
      );
      // SGLang keeps no per-request latency: the request ends at its last chunk.
      const lastChunk = ok.map((x) => x.ttftS + x.gapsS.reduce((a, b) => a + b, 0));
      expect(g.latency.e2e!.mean!).toBeCloseTo(mean(lastChunk), 8);
      const gaps = ok.flatMap((x) => x.gapsS);
      expect(g.latency.itl_chunk!.p50!).toBeCloseTo(quantile(gaps, 0.5), 8);
      const tpots = ok.map((x) => x.gapsS.reduce((a, b) => a + b, 0) / (x.outputTokens - 1));
      expect(g.latency.tpot!.p99!).toBeCloseTo(quantile(tpots, 0.99), 8);
      const doc = sglangBenchRecord(run, { tag: 'rate4' });
      expect(g.duration_s).toBeCloseTo(doc.duration as number, 9);
      expect(g.throughput.requests_per_s).toBeCloseTo(doc.request_throughput as number, 9);

      // The 2024 line has no per-request data: its figures are the reported ones.
      const rep = s.groups.find((x) => x.basis === 'reported')!;
      const old = sglangBenchRecord(older, { keySet: '2024' });
      expect(rep.run?.run_id).toBe('2');
      expect(rep.latency.ttft!.p50! * 1000).toBeCloseTo(old.median_ttft_ms as number, 9);
      expect(rep.throughput.output_tokens_per_s).toBe(old.output_throughput);

      const stats = await store.query(
        `SELECT native_name, value, metric, stat FROM run_stat WHERE run_id = '1'`,
        { native_name: 'text', value: 'float', metric: 'text', stat: 'text' },
      );
      const expected = Object.keys(doc).filter((k) => STAT.test(k) || k === 'max_itl_ms');
      expect(
        stats
          .filter((x) => x.stat !== 'rate')
          .map((x) => x.native_name)
          .sort(),
      ).toEqual(expected.sort());
      for (const x of stats) {
        const raw = doc[x.native_name] as number;
        expect(x.value).toBe(x.stat === 'rate' ? raw : raw / 1000);
      }
      expect(stats.find((x) => x.native_name === 'median_itl_ms')!.metric).toBe('itl_chunk');
      expect(stats.find((x) => x.native_name === 'p90_e2e_latency_ms')!.stat).toBe('p90');

      const runs = await store.query(
        `SELECT run_id, name, model, request_rate, failed, json_extract_string(config, '$.request_rate') AS rr FROM run ORDER BY run_id`,
        {
          run_id: 'text',
          name: 'text?',
          model: 'text?',
          request_rate: 'float?',
          failed: 'int?',
          rr: 'text?',
        },
      );
      expect(runs[0]).toMatchObject({ name: 'rate4', model: run.model, request_rate: 4 });
      expect(runs[0].failed).toBe(120 - ok.length);
      expect(runs[1]).toMatchObject({ request_rate: Infinity, failed: null, rr: 'inf' });
    });
  });

  it('reads failed requests as errors without timings', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'bench.jsonl');
      writeFileSync(path, sglangBenchLine(exampleRun({ seed: 3, requests: 60, errorRate: 0.3 })));
      await ingestFile(store, path);
      const rows = await store.query(
        `SELECT status, count(*) AS n, count(t_first_token_ns) AS ttft, count(error_message) AS msg FROM request GROUP BY status ORDER BY status`,
        { status: 'text', n: 'int', ttft: 'int', msg: 'int' },
      );
      const bad = rows.find((x) => x.status === 'error')!;
      expect(bad.n).toBeGreaterThan(5);
      expect(bad).toMatchObject({ ttft: 0, msg: bad.n });
      expect(rows.find((x) => x.status === 'ok')!.msg).toBe(0);
    });
  });

  it('fails cleanly on a truncated file and on a wrongly typed field', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'cut.jsonl');
      const good = sglangBenchLine(older, { keySet: '2024' });
      writeFileSync(path, `${good}\n${good.slice(0, 200)}`);
      await expect(ingestFile(store, path)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { file: path, line: 2 },
      });
      const bad = join(dir, 'bad.jsonl');
      writeFileSync(bad, `${good}\n${good.replace(/"completed": \d+/, '"completed": "many"')}\n`);
      await expect(ingestFile(store, bad)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { line: 2, field: 'completed' },
      });
      const n = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
      expect(n[0].n).toBe(0);
      expect((await store.query(`SELECT count(*) AS n FROM run`, { n: 'int' }))[0].n).toBe(0);
    });
  });

  it('wins the sniff for its files, even named .json, and leaves vLLM bench JSON alone', async () => {
    await withStore(async (_store, dir) => {
      for (const name of ['a.jsonl', 'a.json']) {
        const path = join(dir, name);
        writeFileSync(path, sglangBenchLine(run) + '\n');
        expect(sniff(await readProbe(path)).format?.name).toBe('sglang-bench');
      }
      const v = join(dir, 'vllm.json');
      writeFileSync(v, JSON.stringify(vllmBenchJson(run)));
      const probe = await readProbe(v);
      expect(sglangBench.sniff(probe)).toBe(0);
      expect(sniff(probe).format?.name).toBe('vllm-bench');
    });
  });
});

function sampleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sampleFiles(p) : [p];
  });
}

describe.skipIf(!HAS_SAMPLES)('sglang-bench on the real samples', () => {
  const files = HAS_SAMPLES ? readdirSync(FOLDER).map((f) => join(FOLDER, f)) : [];

  it.each(files)(
    '%s: every line ingests and its reported stats come back exactly',
    async (path) => {
      const raw = rawLines(path);
      await withStore(async (store) => {
        const r = await ingestFile(store, path);
        expect(r.format).toBe('sglang-bench');
        expect(r.counts.run).toBe(raw.length);
        const stats = await store.query(
          `SELECT run_id, native_name, value FROM run_stat ORDER BY run_id`,
          { run_id: 'text', native_name: 'text', value: 'float' },
        );
        const runs = await store.query(
          `SELECT run_id, duration_s, completed, json_extract_string(config, '$.total_output_tokens') AS out FROM run ORDER BY CAST(run_id AS INT)`,
          { run_id: 'text', duration_s: 'float', completed: 'int', out: 'text' },
        );
        raw.forEach((line, i) => {
          const id = String(i + 1);
          expect(runs[i]).toMatchObject({
            run_id: id,
            duration_s: line.duration,
            completed: line.completed,
          });
          expect(Number(runs[i].out)).toBe(line.total_output_tokens);
          const mine = stats.filter((s) => s.run_id === id);
          const keys = Object.keys(line).filter((k) => STAT.test(k) || RATE_KEYS.includes(k));
          expect(mine).toHaveLength(keys.length);
          for (const k of keys) {
            const v = line[k] as number;
            expect(mine.find((s) => s.native_name === k)!.value).toBe(STAT.test(k) ? v / 1000 : v);
          }
        });
        // Summary-only lines are each their own reported group.
        const s = await summarize(store);
        expect(s.groups).toHaveLength(raw.length);
        s.groups.forEach((g, i) => {
          const line = raw[Number(g.run!.run_id) - 1];
          expect(g.basis).toBe('reported');
          expect(g.requests).toBe(line.completed);
          expect(g.latency.ttft!.p50! * 1000).toBeCloseTo(line.median_ttft_ms as number, 9);
          expect(g.latency.e2e!.mean! * 1000).toBeCloseTo(line.mean_e2e_latency_ms as number, 9);
          expect(g.throughput.output_tokens_per_s).toBe(line.output_throughput);
          expect(i).toBeLessThan(raw.length);
        });
        // Median ITL of these runs is a chunk gap, as SGLang measures it.
        const itl = await store.query(
          `SELECT DISTINCT metric FROM run_stat WHERE native_name = 'median_itl_ms'`,
          {
            metric: 'text',
          },
        );
        expect(itl).toEqual([{ metric: 'itl_chunk' }]);
      });
    },
  );

  it('scores 0 on every other sample, and wins on its own', async () => {
    for (const path of sampleFiles(SAMPLES)) {
      const probe = await readProbe(path);
      if (path.startsWith(FOLDER)) expect(sniff(probe).format?.name).toBe('sglang-bench');
      else expect(sglangBench.sniff(probe), path).toBe(0);
    }
  });
});
