import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../analyses/summary/summary.js';
import { quantile } from '../../base/stats.js';
import { otlpMetricsJson, otlpTraceJson, otlpTraceJsonl } from '../../examples/otlp.js';
import { vllmMetricsText } from '../../examples/prometheus.js';
import { vllmBenchJson } from '../../examples/vllm-bench.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { otlp } from './otlp.js';
import { HAS_SAMPLES, SAMPLES, withStore } from '../../../test/helpers.js';

type Json = Record<string, unknown>;

async function requestRows(store: Store) {
  return store.query(
    `SELECT request_id, trace_id, vantage, clock, status, error_type, error_message, finish_reason,
       t_replica_arrival_ns, t_queued_ns, t_scheduled_ns, t_first_token_ns, t_last_token_ns, t_end_ns,
       prompt_tokens, output_tokens, cached_tokens, model, attributes, flags
     FROM request ORDER BY request_id`,
    {
      request_id: 'text',
      trace_id: 'text?',
      vantage: 'text',
      clock: 'text',
      status: 'text',
      error_type: 'text?',
      error_message: 'text?',
      finish_reason: 'text?',
      t_replica_arrival_ns: 'bigint?',
      t_queued_ns: 'bigint?',
      t_scheduled_ns: 'bigint?',
      t_first_token_ns: 'bigint?',
      t_last_token_ns: 'bigint?',
      t_end_ns: 'bigint?',
      prompt_tokens: 'int?',
      output_tokens: 'int?',
      cached_tokens: 'int?',
      model: 'text?',
      attributes: 'text?',
      flags: 'text?',
    },
  );
}

async function ingestCount(store: Store) {
  return (await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' }))[0].n;
}

describe('otlp source: generated vLLM spans', () => {
  const run = exampleRun({ seed: 5, requests: 120 });
  const ok = run.requests.filter((r) => r.ok);

  it('reproduces the run’s server-side TTFT and queue quantiles from llm_request spans', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'traces.json');
      const doc = otlpTraceJson(run);
      writeFileSync(path, JSON.stringify(doc, null, 2));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('otlp');
      expect(r.counts.request).toBe(run.requests.length);
      const http = r.warnings.find((w) => w.code === 'OTHER_SPANS')!;
      expect(http.message).toContain(`${run.requests.length} spans are not LLM requests`);
      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'requests')!;
      expect(g.requests).toBe(run.requests.length);
      expect(g.errors).toBe(run.requests.length - ok.length);
      expect(g.flagged).toBe(0);
      const ttfts = ok.map((q) => q.ttftS - q.networkS);
      const queues = ok.map((q) => q.queueS);
      expect(g.latency.ttft!.p50!).toBeCloseTo(quantile(ttfts, 0.5), 8);
      expect(g.latency.ttft!.p99!).toBeCloseTo(quantile(ttfts, 0.99), 8);
      expect(g.latency.queue!.p50!).toBeCloseTo(quantile(queues, 0.5), 8);
      expect(g.latency.queue!.p90!).toBeCloseTo(quantile(queues, 0.9), 8);
      const e2es = ok.map((q) => q.e2eS - q.networkS);
      expect(g.latency.e2e!.mean!).toBeCloseTo(e2es.reduce((a, b) => a + b, 0) / e2es.length, 8);
    });
  });

  it('maps span fields from the raw JSON (ids, anchors, usage, errors)', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'traces.json');
      const doc = otlpTraceJson(run);
      writeFileSync(path, JSON.stringify(doc));
      await ingestFile(store, path);
      const rows = await requestRows(store);
      const raw = ((doc.resourceSpans as Json[])[0].scopeSpans as Json[])[0].spans as Json[];
      const llm = raw.filter((x) => x.name === 'llm_request');
      const attr = (span: Json, key: string) => {
        const kv = (span.attributes as { key: string; value: Json }[]).find((a) => a.key === key);
        return kv?.value;
      };
      for (const span of llm.slice(0, 20)) {
        const id = (attr(span, 'gen_ai.request.id') as { stringValue: string }).stringValue;
        const row = rows.find((x) => x.request_id === id)!;
        const start = BigInt(span.startTimeUnixNano as string);
        expect(row.trace_id).toBe(span.traceId);
        expect([row.vantage, row.clock]).toEqual(['server', 'epoch']);
        expect(row.t_replica_arrival_ns).toBe(start);
        expect(row.t_end_ns).toBe(BigInt(span.endTimeUnixNano as string));
        expect(row.prompt_tokens).toBe(
          Number((attr(span, 'gen_ai.usage.prompt_tokens') as { intValue: string }).intValue),
        );
        const dbl = (k: string) =>
          (attr(span, k) as { doubleValue: number } | undefined)?.doubleValue;
        const ttft = dbl('gen_ai.latency.time_to_first_token');
        if ((span.status as Json).code === 2) {
          expect(row.status).toBe('error');
          expect(row.error_type).toBe('503');
          expect(row.error_message).toBe((span.status as Json).message);
          expect(row.t_first_token_ns).toBeNull();
          continue;
        }
        expect(row.status).toBe('ok');
        expect(row.t_queued_ns).toBe(start);
        const q = dbl('gen_ai.latency.time_in_queue')!;
        expect(row.t_scheduled_ns).toBe(start + BigInt(Math.round(q * 1e9)));
        expect(row.t_first_token_ns).toBe(start + BigInt(Math.round(ttft! * 1e9)));
        const inf = dbl('gen_ai.latency.time_in_model_inference')!;
        expect(row.t_last_token_ns).toBe(row.t_scheduled_ns! + BigInt(Math.round(inf * 1e9)));
        expect(row.model).toBe(run.model);
        const attrs = JSON.parse(row.attributes!) as Json;
        expect(attrs['span.name']).toBe('llm_request');
        expect(attrs['gen_ai.latency.e2e']).toBe(dbl('gen_ai.latency.e2e'));
      }
    });
  });

  it('reads JSON lines with current semconv usage names and 64-bit ints as numbers', async () => {
    await withStore(async (store, dir) => {
      // The collector file exporter writes JSON lines into a .json file.
      const path = join(dir, 'otel-traces.json');
      const text = otlpTraceJsonl(run, { usage: 'semconv', numbers: true, perLine: 7 });
      writeFileSync(path, text);
      const r = await ingestFile(store, path);
      expect(r.format).toBe('otlp');
      expect(r.counts.request).toBe(run.requests.length);
      const rows = await requestRows(store);
      const byId = new Map(rows.map((x) => [x.request_id, x]));
      for (const q of run.requests) {
        const row = byId.get(`cmpl-${q.id}`)!;
        expect(row.prompt_tokens).toBe(q.promptTokens);
        expect(row.cached_tokens).toBe(Math.floor(q.promptTokens / 4));
        expect(row.output_tokens).toBe(q.ok ? q.outputTokens : null);
      }
      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'requests')!;
      expect(g.latency.ttft!.p90!).toBeCloseTo(
        quantile(
          ok.map((q) => q.ttftS - q.networkS),
          0.9,
        ),
        8,
      );
    });
  });

  it('turns GenAI server histograms into server_histograms summaries (cumulative or delta)', async () => {
    const lastFinish = Math.max(...run.requests.map((r) => r.sendS + r.e2eS));
    const mid = run.startS + run.durationS / 2;
    const end = Math.ceil(lastFinish) + 1;
    const bounds = [
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ];
    const xs = ok
      .filter((q) => q.sendS + q.e2eS > mid && q.sendS + q.e2eS <= end)
      .map((q) => q.ttftS - q.networkS);
    const cum: [number, number][] = [...bounds, Infinity].map((le) => [
      le,
      xs.filter((x) => x <= le).length,
    ]);
    const hand = (q: number) => {
      const rank = q * xs.length;
      let pl = 0;
      let pc = 0;
      for (const [le, c] of cum) {
        if (c >= rank)
          return le === Infinity ? pl : c === pc ? le : pl + ((le - pl) * (rank - pc)) / (c - pc);
        pl = le;
        pc = c;
      }
      return pl;
    };
    for (const delta of [false, true]) {
      await withStore(async (store, dir) => {
        const path = join(dir, 'metrics.json');
        writeFileSync(path, JSON.stringify(otlpMetricsJson(run, { delta })));
        const r = await ingestFile(store, path);
        expect(r.counts.metric_sample).toBe(4);
        const g = (await summarize(store)).groups.find((x) => x.basis === 'server_histograms')!;
        expect(g.requests).toBe(xs.length);
        expect(g.latency.ttft!.count).toBe(xs.length);
        expect(g.latency.ttft!.p50!).toBeCloseTo(hand(0.5), 9);
        expect(g.latency.ttft!.p90!).toBeCloseTo(hand(0.9), 9);
        const names = await store.query(
          `SELECT DISTINCT server, name FROM metric_sample ORDER BY name`,
          {
            server: 'text',
            name: 'text',
          },
        );
        expect(names).toEqual([
          { server: 'otel', name: 'e2e' },
          { server: 'otel', name: 'ttft' },
        ]);
      });
    }
  });
});

describe.skipIf(!HAS_SAMPLES)('otlp source: the specification examples', () => {
  const dir = join(SAMPLES, 'otlp_json');
  const tracePath = join(dir, 'opentelemetry-proto_example_trace.json');
  const metricsPath = join(dir, 'opentelemetry-proto_example_metrics.json');
  const logsPath = join(dir, 'opentelemetry-proto_example_logs.json');

  it('counts the example trace’s non-LLM span and stores nothing', async () => {
    const raw = JSON.parse(readFileSync(tracePath, 'utf8')) as Json;
    const spans = (raw.resourceSpans as Json[]).flatMap((rs) =>
      (rs.scopeSpans as Json[]).flatMap((ss) => ss.spans as Json[]),
    );
    await withStore(async (store) => {
      const r = await ingestFile(store, tracePath);
      expect(r.format).toBe('otlp');
      expect(r.counts.request ?? 0).toBe(0);
      const w = r.warnings.find((x) => x.code === 'OTHER_SPANS')!;
      expect(w.message).toContain(`${spans.length} spans are not LLM requests`);
      expect(w.message).toContain(`"${spans[0].name as string}"`);
      expect(await ingestCount(store)).toBe(1);
    });
  });

  it('stores the example span as a request once it carries vLLM latency attributes', async () => {
    const raw = JSON.parse(readFileSync(tracePath, 'utf8')) as Json;
    const span = ((raw.resourceSpans as Json[])[0].scopeSpans as Json[])[0].spans as Json[];
    (span[0].attributes as Json[]).push(
      { key: 'gen_ai.latency.time_in_queue', value: { doubleValue: 0.125 } },
      { key: 'gen_ai.latency.time_to_first_token', value: { doubleValue: 0.25 } },
      { key: 'gen_ai.usage.prompt_tokens', value: { intValue: '42' } },
    );
    await withStore(async (store, dir) => {
      const path = join(dir, 'trace.json');
      writeFileSync(path, JSON.stringify(raw));
      await ingestFile(store, path);
      const [row] = await requestRows(store);
      const start = BigInt(span[0].startTimeUnixNano as string);
      expect(row.request_id).toBe((span[0].spanId as string).toLowerCase());
      expect(row.trace_id).toBe((span[0].traceId as string).toLowerCase());
      expect(row.t_replica_arrival_ns).toBe(start);
      expect(row.t_scheduled_ns).toBe(start + 125_000_000n);
      expect(row.t_first_token_ns).toBe(start + 250_000_000n);
      expect(row.t_end_ns).toBe(BigInt(span[0].endTimeUnixNano as string));
      expect(row.prompt_tokens).toBe(42);
      expect(JSON.parse(row.attributes!)).toMatchObject({
        'span.parent_id': (span[0].parentSpanId as string).toLowerCase(),
        'service.name': 'my.service',
        'my.span.attr': 'some value',
      });
    });
  });

  it('stores every metric point of the example with the raw values', async () => {
    const raw = JSON.parse(readFileSync(metricsPath, 'utf8')) as Json;
    const metrics = (raw.resourceMetrics as Json[]).flatMap((rm) =>
      (rm.scopeMetrics as Json[]).flatMap((sm) => sm.metrics as Json[]),
    );
    await withStore(async (store) => {
      const r = await ingestFile(store, metricsPath);
      expect(r.format).toBe('otlp');
      const points = metrics.reduce(
        (a, m) =>
          a +
          (
            Object.values(m).find(
              (v) => typeof v === 'object' && v !== null && 'dataPoints' in v,
            ) as { dataPoints: unknown[] }
          ).dataPoints.length,
        0,
      );
      expect(r.counts.metric_sample).toBe(points);
      expect(r.warnings.map((w) => w.code)).toContain('EXPONENTIAL_HISTOGRAM');
      const rows = await store.query(
        `SELECT sample_id, t_ns, server, name, kind, labels, value, count FROM metric_sample ORDER BY sample_id`,
        {
          sample_id: 'int',
          t_ns: 'bigint',
          server: 'text',
          name: 'text',
          kind: 'text',
          labels: 'text',
          value: 'float?',
          count: 'float?',
        },
      );
      for (const m of metrics) {
        const row = rows.find((x) => x.name === m.name)!;
        expect(row.server).toBe('otel');
        const body = (m.sum ?? m.gauge ?? m.histogram ?? m.exponentialHistogram) as {
          dataPoints: Json[];
        };
        const p = body.dataPoints[0];
        expect(row.t_ns).toBe(BigInt(p.timeUnixNano as string));
        const labels = JSON.parse(row.labels) as Json;
        expect(labels['service.name']).toBe('my.service');
        const a = (p.attributes as { key: string; value: { stringValue: string } }[])[0];
        expect(labels[a.key]).toBe(a.value.stringValue);
        if (m.sum)
          expect([row.kind, row.value]).toEqual([
            (m.sum as Json).isMonotonic ? 'counter' : 'gauge',
            p.asDouble,
          ]);
        if (m.gauge) expect([row.kind, row.value]).toEqual(['gauge', p.asDouble]);
        if (m.histogram || m.exponentialHistogram) {
          expect([row.kind, row.value, row.count]).toEqual(['histogram', p.sum, Number(p.count)]);
          const b = await store.query(
            `SELECT le, count FROM metric_bucket WHERE sample_id = ? ORDER BY le`,
            { le: 'float', count: 'float' },
            [row.sample_id],
          );
          if (m.exponentialHistogram) expect(b).toEqual([]);
          else {
            const bounds = [...(p.explicitBounds as number[]), Infinity];
            let acc = 0;
            const expected = (p.bucketCounts as string[]).map((c, i) => ({
              le: bounds[i],
              count: (acc += Number(c)),
            }));
            expect(b).toEqual(expected);
          }
        }
      }
    });
  });

  it('refuses the logs example as UNKNOWN_FORMAT and writes nothing', async () => {
    await withStore(async (store) => {
      expect(otlp.sniff(await readProbe(logsPath))).toBeGreaterThan(0.9);
      const err = await ingestFile(store, logsPath).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UNKNOWN_FORMAT', context: { file: logsPath } });
      expect((err as Error).message).toContain('OTLP logs (1 log records)');
      expect(await ingestCount(store)).toBe(0);
    });
  });

  it('wins the sniff for the three examples', async () => {
    for (const p of [tracePath, metricsPath, logsPath])
      expect(sniff(await readProbe(p)).format?.name).toBe('otlp');
  });
});

describe('otlp source: bad input', () => {
  const run = exampleRun({ seed: 9, requests: 12 });

  it('rejects a truncated document, a wrong type and a bad JSON line, writing nothing', async () => {
    await withStore(async (store, dir) => {
      const doc = JSON.stringify(otlpTraceJson(run), null, 2);
      const cut = join(dir, 'cut.json');
      writeFileSync(cut, doc.slice(0, Math.floor(doc.length / 2)));
      await expect(ingestFile(store, cut)).rejects.toMatchObject({ code: 'PARSE_ERROR' });

      const wrong = otlpTraceJson(run);
      const spans = ((wrong.resourceSpans as Json[])[0].scopeSpans as Json[])[0].spans as Json[];
      spans[3].startTimeUnixNano = true;
      const typed = join(dir, 'typed.json');
      writeFileSync(typed, JSON.stringify(wrong));
      await expect(ingestFile(store, typed)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { field: 'resourceSpans[0].scopeSpans[0].spans[3].startTimeUnixNano' },
      });

      const lines = otlpTraceJsonl(run, { perLine: 4 }).split('\n');
      lines[1] = lines[1].replace('"startTimeUnixNano":"', '"startTimeUnixNano":"x');
      const jsonl = join(dir, 'bad.jsonl');
      writeFileSync(jsonl, lines.join('\n'));
      await expect(ingestFile(store, jsonl)).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        context: { line: 2 },
      });

      const negative = otlpTraceJson(run);
      const s = ((negative.resourceSpans as Json[])[0].scopeSpans as Json[])[0].spans as Json[];
      const llm = s.find((x) => x.name === 'llm_request')!;
      (llm.attributes as Json[]).push({
        key: 'gen_ai.usage.cached_tokens',
        value: { intValue: '-3' },
      });
      const neg = join(dir, 'neg.json');
      writeFileSync(neg, JSON.stringify(negative));
      await expect(ingestFile(store, neg)).rejects.toMatchObject({ code: 'INVALID_RECORD' });

      const other = join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ data: [] }));
      await expect(ingestFile(store, other, { format: 'otlp' })).rejects.toMatchObject({
        code: 'PARSE_ERROR',
        message: expect.stringContaining('not an OTLP export request'),
      });
      expect(await ingestCount(store)).toBe(0);
      expect((await requestRows(store)).length).toBe(0);
    });
  });

  it('scores 0 on other formats', async () => {
    await withStore(async (_store, dir) => {
      const files: [string, string][] = [
        ['bench.json', JSON.stringify(vllmBenchJson(run))],
        ['scrape.prom', vllmMetricsText(run)],
        ['scrape.json', JSON.stringify([{ resourceSpans: [] }])],
        ['rows.jsonl', '{"request_id": 1, "ttft": 0.1}\n'],
      ];
      for (const [name, text] of files) {
        const path = join(dir, name);
        writeFileSync(path, text);
        expect(otlp.sniff(await readProbe(path)), name).toBe(0);
      }
      const path = join(dir, 'traces.jsonl');
      writeFileSync(path, otlpTraceJsonl(run));
      expect(sniff(await readProbe(path)).format?.name).toBe('otlp');
    });
  });
});
