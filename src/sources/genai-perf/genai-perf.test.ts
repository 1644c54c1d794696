import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mean, quantile } from '../../base/stats.js';
import { Time } from '../../base/units.js';
import { summarize } from '../../analyses/summary/summary.js';
import { aiperfProfileExportJsonl, aiperfSummaryJson } from '../../examples/aiperf.js';
import { genaiPerfProfileExport, genaiPerfSummaryJson } from '../../examples/genai-perf.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { HAS_SAMPLES, SAMPLES, withStore } from '../../../test/helpers.js';
import { genaiPerf } from './profile-export.js';
import { genaiPerfSummary } from './summary.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('genai-perf profile_export.json', () => {
  const run = exampleRun({ seed: 7, requests: 120 });
  const ok = run.requests.filter((x) => x.ok);

  it('reproduces the run: TTFT, E2E, TPOT, chunk gaps, counts, errors and usage tokens', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.json');
      writeFileSync(path, genaiPerfProfileExport(run));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('genai-perf');
      expect(r.counts).toMatchObject({ run: 1, request: 120 });
      const s = await summarize(store);
      expect(s.groups).toHaveLength(1);
      const g = s.groups[0];
      expect(g.basis).toBe('requests');
      expect(g.requests).toBe(120);
      expect(g.errors).toBe(120 - ok.length);
      expect(g.flagged).toBe(0);
      const ttfts = ok.map((x) => x.ttftS);
      expect(g.latency.ttft!.p50!).toBeCloseTo(quantile(ttfts, 0.5), 8);
      expect(g.latency.ttft!.p99!).toBeCloseTo(quantile(ttfts, 0.99), 8);
      expect(g.latency.e2e!.mean!).toBeCloseTo(mean(ok.map((x) => x.e2eS)), 8);
      const tpots = ok.map((x) => sum(x.gapsS) / (x.outputTokens - 1));
      expect(g.latency.tpot!.p99!).toBeCloseTo(quantile(tpots, 0.99), 8);
      expect(g.latency.itl_chunk!.p50!).toBeCloseTo(
        quantile(
          ok.flatMap((x) => x.gapsS),
          0.5,
        ),
        8,
      );
      // usage.prompt_tokens / completion_tokens of the final chunk.
      expect(g.throughput.input_tokens_per_s! * g.duration_s!).toBeCloseTo(
        sum(ok.map((x) => x.promptTokens)),
        6,
      );
      expect(g.throughput.output_tokens_per_s! * g.duration_s!).toBeCloseTo(
        sum(ok.map((x) => x.outputTokens)),
        6,
      );
      const first = run.requests[0];
      const span =
        Math.max(...run.requests.map((x) => x.sendS + (x.ok ? x.e2eS : 0.002))) - first.sendS;
      expect(g.duration_s).toBeCloseTo(span, 6);

      const rows = await store.query(
        `SELECT status, count(*) AS n, sum(chunks) AS chunks, count(DISTINCT error_type) AS types, any_value(error_type) AS et, any_value(model) AS model, any_value(finish_reason) AS fr FROM request GROUP BY status ORDER BY status::VARCHAR`,
        {
          status: 'text',
          n: 'int',
          chunks: 'int',
          types: 'int',
          et: 'text?',
          model: 'text',
          fr: 'text?',
        },
      );
      expect(rows[0]).toMatchObject({
        status: 'error',
        et: 'ServiceUnavailableError',
        model: run.model,
      });
      expect(rows[1]).toMatchObject({
        status: 'ok',
        chunks: sum(ok.map((x) => x.chunkTokens.length)),
        fr: 'length',
      });
      const tok = await store.query(
        `SELECT count(*) AS n, count(tokens) AS known, sum(tokens) AS t FROM chunk`,
        {
          n: 'int',
          known: 'int',
          t: 'int',
        },
      );
      expect(tok[0]).toEqual({
        n: rows[1].chunks,
        known: rows[1].chunks,
        t: sum(ok.map((x) => x.outputTokens)),
      });
      const send = await store.query(
        `SELECT t_client_send_ns AS t FROM request WHERE request_id = '0/0'`,
        { t: 'bigint' },
      );
      expect(send[0].t).toBe(Time.fromSeconds(first.sendS));
      const runs = await store.query(`SELECT name, request_rate, tool_version, clock FROM run`, {
        name: 'text',
        request_rate: 'float',
        tool_version: 'text',
        clock: 'text',
      });
      expect(runs[0]).toEqual({
        name: 'request_rate 4',
        request_rate: 4,
        tool_version: '2.54.0',
        clock: 'epoch',
      });
    });
  });

  it('splits experiments into runs, merges SSE events, and leaves tokens unknown without usage', async () => {
    const chunky = exampleRun({ seed: 5, requests: 60, tokensPerChunk: 3 });
    const good = chunky.requests.filter((x) => x.ok);
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.json');
      const experiments = [
        { mode: 'concurrency' as const, value: 2 },
        { mode: 'concurrency' as const, value: 8 },
      ];
      writeFileSync(
        path,
        genaiPerfProfileExport(chunky, { experiments, usage: false, mergeEvery: 4 }),
      );
      const r = await ingestFile(store, path);
      expect(r.counts).toMatchObject({ run: 2, request: 60 });
      const runs = await store.query(`SELECT run_id, max_concurrency FROM run ORDER BY run_id`, {
        run_id: 'text',
        max_concurrency: 'int',
      });
      expect(runs).toEqual([
        { run_id: '0', max_concurrency: 2 },
        { run_id: '1', max_concurrency: 8 },
      ]);
      const rows = await store.query(
        `SELECT count(*) AS n, count(output_tokens) AS out, count(prompt_tokens) AS inp, sum(chunks) AS chunks FROM request WHERE status = 'ok'`,
        { n: 'int', out: 'int', inp: 'int', chunks: 'int' },
      );
      const merged = chunky.requests.filter(
        (x, i) => x.ok && i % 4 === 0 && x.chunkTokens.length >= 3,
      ).length;
      expect(rows[0]).toEqual({
        n: good.length,
        out: 0,
        inp: 0,
        chunks: sum(good.map((x) => x.chunkTokens.length)) - merged,
      });
      expect((await store.query(`SELECT count(tokens) AS n FROM chunk`, { n: 'int' }))[0].n).toBe(
        0,
      );
      const s = await summarize(store);
      expect(s.groups[0].latency.tpot).toBeNull();
      expect(s.groups[0].latency.ttft!.p90!).toBeCloseTo(
        quantile(
          good.map((x) => x.ttftS),
          0.9,
        ),
        8,
      );
    });
  });

  it('takes per-chunk tokens from continuous usage stats', async () => {
    const chunky = exampleRun({ seed: 5, requests: 30, tokensPerChunk: 3 });
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.json');
      writeFileSync(path, genaiPerfProfileExport(chunky, { continuousUsage: true, mergeEvery: 4 }));
      await ingestFile(store, path);
      const rows = await store.query(
        `SELECT r.request_id, r.output_tokens AS out, sum(c.tokens) AS t, count(c.tokens) AS known, count(*) AS n FROM request r JOIN chunk c USING (request_id) GROUP BY ALL`,
        { request_id: 'text', out: 'int', t: 'int', known: 'int', n: 'int' },
      );
      expect(rows.length).toBe(chunky.requests.filter((x) => x.ok).length);
      for (const x of rows) expect(x).toMatchObject({ t: x.out, known: x.n });
    });
  });

  it('reads the triton service kind; requests without content become errors with a warning', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.json');
      const small = exampleRun({ seed: 9, requests: 40, errorRate: 0.2 });
      writeFileSync(path, genaiPerfProfileExport(small, { serviceKind: 'triton' }));
      const r = await ingestFile(store, path);
      const failed = small.requests.filter((x) => !x.ok).length;
      expect(failed).toBeGreaterThan(0);
      expect(r.warnings.map((w) => w.code)).toEqual(['NO_CONTENT']);
      const rows = await store.query(
        `SELECT count(*) FILTER (WHERE status = 'error' AND error_type = 'no_content') AS bad, count(output_tokens) AS out FROM request`,
        { bad: 'int', out: 'int' },
      );
      expect(rows[0]).toEqual({ bad: failed, out: 0 });
      const s = await summarize(store);
      const good = small.requests.filter((x) => x.ok);
      expect(s.groups[0].latency.e2e!.p50!).toBeCloseTo(
        quantile(
          good.map((x) => x.ttftS + sum(x.gapsS)),
          0.5,
        ),
        8,
      );
    });
  });

  it('keeps 64-bit nanosecond timestamps exact', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.json');
      const resp = (c: string) =>
        `{"response":"data: {\\"object\\":\\"chat.completion.chunk\\",\\"choices\\":[{\\"delta\\":{\\"content\\":\\"${c}\\"}}]}\\n\\n"}`;
      writeFileSync(
        path,
        `{"experiments":[{"experiment":{"mode":"concurrency","value":1},"requests":[{"timestamp":1763640000123456789,"request_inputs":{"payload":"{}"},"response_timestamps":[1763640000223456791,1763640000233456797,1763640000233456799],"response_outputs":[${resp('a')},${resp('b')},{"response":"data: [DONE]\\n\\n"}]}],"window_boundaries":[1763640000123456789]}],"version":"2.54.0","service_kind":"openai","endpoint":"v1/chat/completions"}`,
      );
      await ingestFile(store, path);
      const r = await store.query(
        `SELECT t_client_send_ns AS s, t_first_token_ns AS f, t_last_token_ns AS l, t_end_ns AS e, chunks FROM request`,
        { s: 'bigint', f: 'bigint', l: 'bigint', e: 'bigint', chunks: 'int' },
      );
      expect(r[0]).toEqual({
        s: 1763640000123456789n,
        f: 1763640000223456791n,
        l: 1763640000233456797n,
        e: 1763640000233456799n,
        chunks: 2,
      });
    });
  });

  it('fails cleanly on truncated files, wrong types and malformed responses', async () => {
    await withStore(async (store, dir) => {
      const text = genaiPerfProfileExport(exampleRun({ seed: 2, requests: 10 }));
      const cases: [string, string, Record<string, unknown>][] = [
        ['cut.json', text.slice(0, text.length / 2), { code: 'PARSE_ERROR' }],
        [
          'type.json',
          text.replace(/"timestamp":(\d+)/, '"timestamp":"soon"'),
          { code: 'PARSE_ERROR', context: { field: 'experiments[0].requests[0].timestamp' } },
        ],
        [
          'sse.json',
          text.replace('data: [DONE]', 'data: {oops'),
          {
            code: 'PARSE_ERROR',
            context: {
              field: expect.stringMatching(
                /^experiments\[0\]\.requests\[\d+\]\.response_outputs\[\d+\]\.response$/,
              ),
            },
          },
        ],
      ];
      for (const [name, body, err] of cases) {
        const path = join(dir, name);
        writeFileSync(path, body);
        await expect(ingestFile(store, path, { format: 'genai-perf' })).rejects.toMatchObject(err);
      }
      await expect(ingestFile(store, join(dir, 'cut.json'))).rejects.toMatchObject({
        message: /truncated/,
      });
      expect((await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' }))[0].n).toBe(0);
      expect((await store.query(`SELECT count(*) AS n FROM request`, { n: 'int' }))[0].n).toBe(0);
    });
  });
});

describe('genai-perf profile_export_genai_perf.json', () => {
  const run = exampleRun({ seed: 7, requests: 120 });

  it('keeps the reported statistics, with inter_token_latency as TPOT', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export_genai_perf.json');
      const text = genaiPerfSummaryJson(run);
      writeFileSync(path, text);
      const doc = JSON.parse(text) as Record<string, Record<string, number>>;
      const r = await ingestFile(store, path);
      expect(r.format).toBe('genai-perf-summary');
      const s = await summarize(store);
      expect(s.groups).toHaveLength(1);
      const g = s.groups[0];
      expect(g.basis).toBe('reported');
      expect(g.latency.ttft!.p50! * 1000).toBeCloseTo(doc.time_to_first_token.p50, 9);
      expect(g.latency.ttft!.p99! * 1000).toBeCloseTo(doc.time_to_first_token.p99, 9);
      expect(g.latency.tpot!.p90! * 1000).toBeCloseTo(doc.inter_token_latency.p90, 9);
      expect(g.latency.e2e!.mean! * 1000).toBeCloseTo(doc.request_latency.avg, 9);
      expect(g.throughput.requests_per_s).toBe(doc.request_throughput.avg);
      expect(g.definitions).toEqual({ e2e: 'ends_at_last_content_response' });
      // And the tool's figures agree with the ground truth.
      const ok = run.requests.filter((x) => x.ok);
      expect(g.latency.ttft!.p50!).toBeCloseTo(
        quantile(
          ok.map((x) => x.ttftS),
          0.5,
        ),
        8,
      );
      const stats = await store.query(
        `SELECT count(*) AS n, count(DISTINCT metric) AS metrics FROM run_stat WHERE native_name = 'time_to_first_token'`,
        { n: 'int', metrics: 'int' },
      );
      expect(stats[0]).toEqual({ n: 13, metrics: 1 });
      const runs = await store.query(
        `SELECT model, request_rate, json_extract(config, '$.time_to_second_token.unit') AS u FROM run`,
        {
          model: 'text',
          request_rate: 'float',
          u: 'text',
        },
      );
      expect(runs[0]).toEqual({ model: run.model, request_rate: 4, u: '"ms"' });
    });
  });

  it('rejects a metric with a non-numeric statistic', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export_genai_perf.json');
      writeFileSync(path, genaiPerfSummaryJson(run).replace(/"avg": [\d.]+/, '"avg": "fast"'));
      await expect(ingestFile(store, path)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { field: 'request_throughput.avg' },
      });
      expect((await store.query(`SELECT count(*) AS n FROM run`, { n: 'int' }))[0].n).toBe(0);
    });
  });
});

function sampleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sampleFiles(p) : [p];
  });
}

describe('genai-perf sniffing', () => {
  const run = exampleRun({ seed: 4, requests: 20 });

  it('tells the raw export, the aggregate and the AIPerf files apart', async () => {
    await withStore(async (_store, dir) => {
      const files: [string, string, string][] = [
        ['profile_export.json', genaiPerfProfileExport(run), 'genai-perf'],
        ['profile_export_genai_perf.json', genaiPerfSummaryJson(run), 'genai-perf-summary'],
        ['summary.json', genaiPerfSummaryJson(run), 'genai-perf-summary'],
        ['profile_export_aiperf.json', aiperfSummaryJson(run), 'aiperf-summary'],
        ['profile_export.jsonl', aiperfProfileExportJsonl(run), 'aiperf'],
      ];
      for (const [name, body, format] of files) {
        const path = join(dir, name);
        writeFileSync(path, body);
        const probe = await readProbe(path);
        expect(sniff(probe).format?.name, name).toBe(format);
        if (!format.startsWith('genai-perf')) {
          expect(genaiPerf.sniff(probe)).toBe(0);
          expect(genaiPerfSummary.sniff(probe)).toBe(0);
        }
      }
    });
  });

  it.skipIf(!HAS_SAMPLES)('scores 0 on every real sample', async () => {
    for (const path of sampleFiles(SAMPLES)) {
      const probe = await readProbe(path);
      expect(genaiPerf.sniff(probe), path).toBe(0);
      expect(genaiPerfSummary.sniff(probe), path).toBe(0);
    }
  });
});
