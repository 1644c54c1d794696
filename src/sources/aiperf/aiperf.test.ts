import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mean, quantile } from '../../base/stats.js';
import { summarize } from '../../analyses/summary/summary.js';
import {
  aiperfCancelled,
  aiperfProfileExportJsonl,
  aiperfSummaryJson,
} from '../../examples/aiperf.js';
import { genaiPerfProfileExport, genaiPerfSummaryJson } from '../../examples/genai-perf.js';
import { sglangBenchLine } from '../../examples/sglang-bench.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import { readProbe } from '../read.js';
import { HAS_SAMPLES, SAMPLES, withStore } from '../../../test/helpers.js';
import { aiperf } from './aiperf.js';
import { aiperfSummary } from './summary.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('aiperf profile_export.jsonl', () => {
  const run = exampleRun({ seed: 7, requests: 120 });
  const ok = run.requests.filter((x) => x.ok);

  it('reproduces the run: TTFT, E2E, TPOT, chunk gaps, counts, errors', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.jsonl');
      writeFileSync(path, aiperfProfileExportJsonl(run));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('aiperf');
      expect(r.counts).toMatchObject({
        run: 1,
        request: 120,
        chunk: sum(ok.map((x) => x.outputTokens)),
      });
      const s = await summarize(store);
      expect(s.groups).toHaveLength(1);
      const g = s.groups[0];
      expect(g).toMatchObject({
        basis: 'requests',
        requests: 120,
        errors: 120 - ok.length,
        flagged: 0,
      });
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
      // One token per chunk: per-token ITL equals the chunk gaps.
      expect(g.latency.itl!.p90!).toBeCloseTo(
        quantile(
          ok.flatMap((x) => x.gapsS),
          0.9,
        ),
        8,
      );
      expect(g.throughput.input_tokens_per_s! * g.duration_s!).toBeCloseTo(
        sum(ok.map((x) => x.promptTokens)),
        6,
      );

      const bad = await store.query(
        `SELECT status, error_type, error_message, prompt_tokens, json_extract_string(attributes, '$.error_code') AS code FROM request WHERE status <> 'ok' LIMIT 1`,
        {
          status: 'text',
          error_type: 'text',
          error_message: 'text',
          prompt_tokens: 'int',
          code: 'text',
        },
      );
      const failed = run.requests.find((x) => !x.ok)!;
      expect(bad[0]).toEqual({
        status: 'error',
        error_type: 'ServiceUnavailable',
        error_message: failed.error,
        prompt_tokens: failed.promptTokens,
        code: '503',
      });
      const ids = await store.query(
        `SELECT count(DISTINCT request_id) AS n, count(session_id) AS sessions, any_value(run_id) AS run FROM request`,
        { n: 'int', sessions: 'int', run: 'text' },
      );
      expect(ids[0]).toEqual({ n: 120, sessions: 120, run: 'profiling' });
    });
  });

  it('marks cancelled requests aborted and reads the older tag set', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.jsonl');
      writeFileSync(path, aiperfProfileExportJsonl(run, { cancelEvery: 10, legacy: true }));
      await ingestFile(store, path);
      const cancelled = run.requests.filter((x, i) =>
        aiperfCancelled(x, i, { cancelEvery: 10 }),
      ).length;
      const rows = await store.query(
        `SELECT status, count(*) AS n, count(t_first_token_ns) AS ttft, count(chunks) AS streamed, any_value(error_type) AS et FROM request GROUP BY status ORDER BY status::VARCHAR`,
        { status: 'text', n: 'int', ttft: 'int', streamed: 'int', et: 'text?' },
      );
      expect(rows).toEqual([
        { status: 'aborted', n: cancelled, ttft: 0, streamed: 0, et: 'RequestCancellationError' },
        { status: 'error', n: 120 - ok.length, ttft: 0, streamed: 0, et: 'ServiceUnavailable' },
        {
          status: 'ok',
          n: ok.length - cancelled,
          ttft: ok.length - cancelled,
          streamed: 0,
          et: null,
        },
      ]);
      // The legacy mean inter-chunk latency is kept as an attribute.
      const icl = await store.query(
        `SELECT count(*) AS n FROM request WHERE json_extract(attributes, '$.inter_chunk_latency') IS NOT NULL`,
        { n: 'int' },
      );
      expect(icl[0].n).toBe(ok.length - cancelled);
      const s = await summarize(store);
      const kept = run.requests.filter(
        (x, i) => x.ok && !aiperfCancelled(x, i, { cancelEvery: 10 }),
      );
      expect(s.groups[0].latency.ttft!.p50!).toBeCloseTo(
        quantile(
          kept.map((x) => x.ttftS),
          0.5,
        ),
        8,
      );
      expect(s.groups[0].errors).toBe(120 - kept.length);
    });
  });

  it('keeps 64-bit nanosecond timestamps exact', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export.jsonl');
      writeFileSync(
        path,
        '{"metadata":{"session_num":0,"x_request_id":"a","x_correlation_id":"b","conversation_id":null,"turn_index":0,"request_start_ns":1762551534797067827,"request_ack_ns":1762551534807258440,"request_end_ns":1762551538441354976,"worker_id":"w","record_processor_id":"p","benchmark_phase":"profiling","was_cancelled":false,"cancellation_time_ns":null},"metrics":{"time_to_first_token":{"value":31.742933,"unit":"ms"},"inter_chunk_latency":{"value":[17.868007,18.349402],"unit":"ms"},"request_latency":{"value":3644.260102,"unit":"ms"},"output_sequence_length":{"value":3,"unit":"tokens"}},"error":null}\n',
      );
      await ingestFile(store, path);
      const r = await store.query(
        `SELECT t_client_send_ns AS s, t_first_token_ns AS f, t_last_token_ns AS l, t_end_ns AS e, json_extract_string(attributes, '$.request_ack_ns') AS ack FROM request`,
        { s: 'bigint', f: 'bigint', l: 'bigint', e: 'bigint', ack: 'text' },
      );
      expect(r[0]).toEqual({
        s: 1762551534797067827n,
        f: 1762551534797067827n + 31742933n,
        l: 1762551534797067827n + 31742933n + 17868007n + 18349402n,
        e: 1762551534797067827n + 3644260102n,
        ack: '1762551534807258440',
      });
    });
  });

  it('fails cleanly on a truncated line and a wrongly typed field', async () => {
    await withStore(async (store, dir) => {
      const text = aiperfProfileExportJsonl(exampleRun({ seed: 2, requests: 10 }));
      const lines = text.trimEnd().split('\n');
      const cut = join(dir, 'cut.jsonl');
      writeFileSync(cut, [...lines.slice(0, 4), lines[4].slice(0, 90)].join('\n'));
      await expect(ingestFile(store, cut)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { line: 5 },
      });
      const bad = join(dir, 'bad.jsonl');
      lines[6] = lines[6].replace(/"request_start_ns":\d+/, '"request_start_ns":"early"');
      writeFileSync(bad, lines.join('\n'));
      await expect(ingestFile(store, bad)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { line: 7, field: 'metadata.request_start_ns' },
      });
      expect((await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' }))[0].n).toBe(0);
      expect((await store.query(`SELECT count(*) AS n FROM request`, { n: 'int' }))[0].n).toBe(0);
    });
  });
});

describe('aiperf profile_export_aiperf.json', () => {
  const run = exampleRun({ seed: 7, requests: 120 });

  it('keeps the reported statistics and the run summary', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'profile_export_aiperf.json');
      const text = aiperfSummaryJson(run);
      writeFileSync(path, text);
      const doc = JSON.parse(text) as Record<string, Record<string, number>>;
      const r = await ingestFile(store, path);
      expect(r.format).toBe('aiperf-summary');
      const s = await summarize(store);
      const g = s.groups[0];
      const ok = run.requests.filter((x) => x.ok);
      expect(g).toMatchObject({ basis: 'reported', requests: 120, errors: 120 - ok.length });
      expect(g.duration_s).toBe(doc.benchmark_duration.avg);
      expect(g.latency.ttft!.p99! * 1000).toBeCloseTo(doc.time_to_first_token.p99, 9);
      expect(g.latency.tpot!.p50! * 1000).toBeCloseTo(doc.inter_token_latency.p50, 9);
      expect(g.latency.itl_chunk!.p90! * 1000).toBeCloseTo(doc.inter_chunk_latency.p90, 9);
      expect(g.throughput.output_tokens_per_s).toBe(doc.output_token_throughput.avg);
      expect(g.latency.ttft!.p50!).toBeCloseTo(
        quantile(
          ok.map((x) => x.ttftS),
          0.5,
        ),
        8,
      );
      const runs = await store.query(`SELECT model, request_rate, tool FROM run`, {
        model: 'text',
        request_rate: 'float',
        tool: 'text',
      });
      expect(runs[0]).toEqual({ model: run.model, request_rate: 4, tool: 'aiperf' });
    });
  });
});

function sampleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sampleFiles(p) : [p];
  });
}

describe('aiperf sniffing', () => {
  it('scores 0 on the other benchmark clients', async () => {
    const run = exampleRun({ seed: 4, requests: 20 });
    await withStore(async (_store, dir) => {
      const others: [string, string][] = [
        ['profile_export.json', genaiPerfProfileExport(run)],
        ['profile_export_genai_perf.json', genaiPerfSummaryJson(run)],
        ['bench.jsonl', sglangBenchLine(run)],
      ];
      for (const [name, body] of others) {
        const path = join(dir, name);
        writeFileSync(path, body);
        const probe = await readProbe(path);
        expect(aiperf.sniff(probe), name).toBe(0);
        expect(aiperfSummary.sniff(probe), name).toBe(0);
      }
    });
  });

  it.skipIf(!HAS_SAMPLES)('scores 0 on every real sample', async () => {
    for (const path of sampleFiles(SAMPLES)) {
      const probe = await readProbe(path);
      expect(aiperf.sniff(probe), path).toBe(0);
      expect(aiperfSummary.sniff(probe), path).toBe(0);
    }
  });
});
