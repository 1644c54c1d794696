import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../analyses/summary/summary.js';
import { vllmMetricsText } from '../../examples/prometheus.js';
import { exampleRun, type ExampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { HAS_SAMPLES, SAMPLES, withStore } from '../../../test/helpers.js';

const T0 = 1_763_640_000_000_000_000n;

/** Prometheus' histogram_quantile over cumulative [le, count] pairs, written out by hand. */
function handQuantile(buckets: [number, number][], q: number): number {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const rank = q * sorted[sorted.length - 1][1];
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of sorted) {
    if (c >= rank) {
      if (le === Infinity) return prevLe;
      if (c === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (c - prevCount);
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}

/** Raw sample lines of one exposed name: labels text and value, straight from the file. */
function raw(text: string, name: string): { labels: string; value: number }[] {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${esc}(?:\\{([^}]*)\\})? (\\S+)`, 'gm');
  return [...text.matchAll(re)].map((m) => ({
    labels: m[1] ?? '',
    value: m[2] === '+Inf' ? Infinity : Number(m[2]),
  }));
}

function rawBuckets(text: string, family: string): [number, number][] {
  return raw(text, `${family}_bucket`).map((b) => {
    const le = /le="([^"]+)"/.exec(b.labels)![1];
    return [le === '+Inf' ? Infinity : Number(le), b.value];
  });
}

async function samples(store: Store, where: string) {
  return store.query(
    `SELECT sample_id, t_ns, server, name, native_name, kind, labels, value, count, unit_scale
     FROM metric_sample WHERE ${where} ORDER BY t_ns, sample_id`,
    {
      sample_id: 'int',
      t_ns: 'bigint',
      server: 'text',
      name: 'text',
      native_name: 'text',
      kind: 'text',
      labels: 'text',
      value: 'float?',
      count: 'float?',
      unit_scale: 'float',
    },
  );
}

async function buckets(store: Store, sampleId: number) {
  return store.query(
    `SELECT le, count FROM metric_bucket WHERE sample_id = ? ORDER BY le`,
    { le: 'float', count: 'float' },
    [sampleId],
  );
}

async function ingestText(store: Store, dir: string, text: string, name = 'metrics.prom') {
  const path = join(dir, name);
  writeFileSync(path, text);
  return ingestFile(store, path, { scrapeTimeNs: T0 });
}

/** Server-side observations of the run between two scrapes, computed from the run itself. */
function window(run: ExampleRun, fromS: number, toS: number) {
  return run.requests.filter((r) => r.ok && r.sendS + r.e2eS > fromS && r.sendS + r.e2eS <= toS);
}

const TTFT_BOUNDS = [
  0.001,
  0.005,
  0.01,
  0.02,
  0.04,
  0.06,
  0.08,
  0.1,
  0.25,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  20,
  40,
  80,
  160,
  640,
  2560,
  Infinity,
];
const PHASE_BOUNDS = [
  0.3,
  0.5,
  0.8,
  1,
  1.5,
  2,
  2.5,
  5,
  10,
  15,
  20,
  30,
  40,
  50,
  60,
  120,
  240,
  480,
  960,
  1920,
  7680,
  Infinity,
];
const cumulative = (bounds: number[], xs: number[]): [number, number][] =>
  bounds.map((le) => [le, xs.filter((x) => x <= le).length]);

describe('prometheus source: generated vLLM scrapes', () => {
  const run = exampleRun({ seed: 11, requests: 150 });
  const mid = run.startS + run.durationS / 2;
  const end = Math.ceil(Math.max(...run.requests.map((r) => r.sendS + r.e2eS))) + 1;

  it('summarises the increase between two scrapes with vLLM bucket boundaries', async () => {
    await withStore(async (store, dir) => {
      const text = vllmMetricsText(run, { created: true });
      const r = await ingestText(store, dir, text);
      expect(r.format).toBe('prometheus');
      const created = text.split('\n').filter((l) => /^[^#]\S*_created[{ ]/.test(l)).length;
      expect(r.warnings.find((w) => w.code === 'CREATED_SKIPPED')?.message).toContain(
        `skipped ${created} _created`,
      );
      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'server_histograms')!;
      const inWindow = window(run, mid, end);
      const ttfts = inWindow.map((q) => q.ttftS - q.networkS);
      expect(g.requests).toBe(inWindow.length);
      expect(g.duration_s).toBeCloseTo(end - mid, 3);
      const ttft = g.latency.ttft!;
      expect(ttft.count).toBe(inWindow.length);
      expect(ttft.mean!).toBeCloseTo(ttfts.reduce((a, b) => a + b, 0) / ttfts.length, 9);
      for (const q of [0.5, 0.9, 0.99] as const) {
        const key = q === 0.5 ? 'p50' : q === 0.9 ? 'p90' : 'p99';
        expect(ttft[key]!).toBeCloseTo(handQuantile(cumulative(TTFT_BOUNDS, ttfts), q), 9);
      }
      const queues = inWindow.map((q) => q.queueS);
      expect(g.latency.queue!.p50!).toBeCloseTo(
        handQuantile(cumulative(PHASE_BOUNDS, queues), 0.5),
        9,
      );
      const e2es = inWindow.map((q) => q.e2eS - q.networkS);
      expect(g.latency.e2e!.p90!).toBeCloseTo(handQuantile(cumulative(PHASE_BOUNDS, e2es), 0.9), 9);
      // ITL is one observation per token after the first.
      const tokens = inWindow.reduce((a, q) => a + q.outputTokens - 1, 0);
      expect(g.latency.itl!.count).toBe(tokens);
    });
  });

  it('stores counters, gauges and histograms under canonical names at the line timestamps', async () => {
    await withStore(async (store, dir) => {
      const text = vllmMetricsText(run);
      await ingestText(store, dir, text);
      const lastMs = Math.round(end * 1000);
      const ok = run.requests.filter((q) => q.ok);
      const fin = await samples(store, `name = 'requests_finished'`);
      expect(fin.map((x) => x.native_name)).toEqual(new Array(4).fill('vllm:request_success'));
      const last = fin.filter((x) => x.t_ns === BigInt(lastMs) * 1_000_000n);
      expect(last.reduce((a, x) => a + x.value!, 0)).toBe(ok.length);
      expect(JSON.parse(last[0].labels)).toMatchObject({ engine: '0', model_name: run.model });
      const prompt = await samples(store, `name = 'prompt_tokens' AND kind = 'counter'`);
      expect(prompt.at(-1)!.value).toBe(ok.reduce((a, q) => a + q.promptTokens, 0));
      const iter = await samples(store, `native_name = 'vllm:iteration_tokens_total'`);
      expect(iter.map((x) => [x.name, x.kind])).toEqual([
        ['iteration_tokens', 'histogram'],
        ['iteration_tokens', 'histogram'],
      ]);
      const kv = await samples(store, `name = 'kv_usage'`);
      expect(kv.map((x) => x.native_name)).toEqual([
        'vllm:kv_cache_usage_perc',
        'vllm:kv_cache_usage_perc',
      ]);
      for (const n of ['ttft', 'itl', 'tpot', 'e2e', 'queue', 'prefill', 'decode', 'inference']) {
        expect((await samples(store, `name = '${n}' AND kind = 'histogram'`)).length).toBe(2);
      }
      const ttft = (await samples(store, `name = 'ttft'`)).at(-1)!;
      const rawCount = raw(text, 'vllm:time_to_first_token_seconds_count').at(-1)!.value;
      expect(ttft.count).toBe(rawCount);
      const b = await buckets(store, ttft.sample_id);
      expect(b.map((x) => x.le)).toEqual(TTFT_BOUNDS);
      expect(b.at(-1)!.count).toBe(rawCount);
    });
  });

  it('reads the V0 name set and prefers current names when deprecated ones are exposed too', async () => {
    await withStore(async (store, dir) => {
      await ingestText(store, dir, vllmMetricsText(run, { legacy: true }), 'v0.prom');
      const itl = await samples(store, `name = 'itl'`);
      expect(itl.map((x) => x.native_name)).toEqual(
        new Array(2).fill('vllm:time_per_output_token_seconds'),
      );
      expect(JSON.parse(itl[0].labels)).toEqual({ model_name: run.model });
      const kv = await samples(store, `name = 'kv_usage'`);
      expect(kv[0].native_name).toBe('vllm:gpu_cache_usage_perc');
    });
    await withStore(async (store, dir) => {
      const r = await ingestText(store, dir, vllmMetricsText(run, { hidden: true }), 'hidden.prom');
      const itl = await samples(store, `name = 'itl'`);
      expect(new Set(itl.map((x) => x.native_name))).toEqual(
        new Set(['vllm:inter_token_latency_seconds']),
      );
      const kept = await samples(store, `native_name = 'vllm:time_per_output_token_seconds'`);
      expect(kept.map((x) => x.name)).toEqual(
        new Array(2).fill('vllm:time_per_output_token_seconds'),
      );
      expect(r.warnings.filter((w) => w.code === 'ALIAS_DUPLICATE')).toHaveLength(2);
      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'server_histograms')!;
      const tokens = window(run, mid, end).reduce((a, q) => a + q.outputTokens - 1, 0);
      expect(g.latency.itl!.count).toBe(tokens);
    });
  });
});

describe.skipIf(!HAS_SAMPLES)('prometheus source: real scrapes', () => {
  const dir = join(SAMPLES, 'prometheus');
  const vllmPath = join(dir, 'vllm_v0_metrics_datadog_fixture.txt');
  const sglangPath = join(dir, 'sglang_v0.5.10_metrics_datadog_fixture.txt');

  /** Expected metric_sample rows: one per series, histograms counted once per label set. */
  function expectedRows(text: string): number {
    const hist = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]));
    const keys = new Set<string>();
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([^{ ]+)(?:\{([^}]*)\})?/.exec(line)!;
      const h = /^(.*)_(bucket|sum|count)$/.exec(m[1]);
      if (h && hist.has(h[1])) keys.add(`${h[1]}|${(m[2] ?? '').replace(/le="[^"]*",?/, '')}`);
      else keys.add(`${m[1]}|${m[2] ?? ''}`);
    }
    return keys.size;
  }

  it('ingests the vLLM V0 scrape with values equal to the raw text', async () => {
    const text = readFileSync(vllmPath, 'utf8');
    await withStore(async (store) => {
      const r = await ingestFile(store, vllmPath, { scrapeTimeNs: T0 });
      expect(r.format).toBe('prometheus');
      expect(r.counts.metric_sample).toBe(expectedRows(text));
      expect(r.counts.metric_bucket).toBe(
        text.split('\n').filter((l) => /_bucket\{/.test(l)).length,
      );
      const all = await samples(store, 'TRUE');
      expect(new Set(all.map((x) => x.server))).toEqual(new Set(['vllm']));
      expect(new Set(all.map((x) => x.t_ns))).toEqual(new Set([T0]));
      const prompt = await samples(store, `name = 'prompt_tokens' AND kind = 'counter'`);
      expect(prompt[0].value).toBe(raw(text, 'vllm:prompt_tokens_total')[0].value);
      expect(prompt[0].native_name).toBe('vllm:prompt_tokens');
      const gc = await samples(store, `native_name = 'python_gc_objects_collected'`);
      expect(gc.map((x) => x.value)).toEqual(
        raw(text, 'python_gc_objects_collected_total').map((x) => x.value),
      );
      const ttftRaw = rawBuckets(text, 'vllm:time_to_first_token_seconds');
      const [ttft] = await samples(store, `name = 'ttft'`);
      expect(ttft.kind).toBe('histogram');
      expect(ttft.count).toBe(raw(text, 'vllm:time_to_first_token_seconds_count')[0].value);
      expect(ttft.value).toBe(raw(text, 'vllm:time_to_first_token_seconds_sum')[0].value);
      const b = await buckets(store, ttft.sample_id);
      expect(b).toHaveLength(ttftRaw.length);
      expect(b.at(-1)).toEqual({ le: Infinity, count: ttftRaw.find((x) => x[0] === Infinity)![1] });
      const [itl] = await samples(store, `name = 'itl'`);
      expect(itl.native_name).toBe('vllm:time_per_output_token_seconds');
      expect(itl.count).toBe(raw(text, 'vllm:time_per_output_token_seconds_count')[0].value);
      const [kv] = await samples(store, `name = 'kv_usage'`);
      expect(kv.native_name).toBe('vllm:gpu_cache_usage_perc');

      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'server_histograms')!;
      expect(g.latency.ttft!.p50).toBeCloseTo(handQuantile(ttftRaw, 0.5), 12);
      expect(g.latency.itl!.p90).toBeCloseTo(
        handQuantile(rawBuckets(text, 'vllm:time_per_output_token_seconds'), 0.9),
        12,
      );
      expect(g.requests).toBe(raw(text, 'vllm:e2e_request_latency_seconds_count')[0].value);
    });
  });

  it('ingests the SGLang 0.5.10 scrape with values equal to the raw text', async () => {
    const text = readFileSync(sglangPath, 'utf8');
    await withStore(async (store) => {
      const r = await ingestFile(store, sglangPath, { scrapeTimeNs: T0 });
      expect(r.format).toBe('prometheus');
      expect(r.counts.metric_sample).toBe(expectedRows(text));
      const [kv] = await samples(store, `name = 'kv_usage'`);
      expect([kv.native_name, kv.value]).toEqual([
        'sglang:token_usage',
        raw(text, 'sglang:token_usage')[0].value,
      ]);
      const [hits] = await samples(store, `name = 'prefix_cache_hits'`);
      expect(hits.value).toBe(raw(text, 'sglang:cached_tokens_total')[0].value);
      const [waiting] = await samples(store, `name = 'requests_waiting'`);
      expect(waiting.native_name).toBe('sglang:num_queue_reqs');
      const ttftRaw = rawBuckets(text, 'sglang:time_to_first_token_seconds');
      const [ttft] = await samples(store, `name = 'ttft'`);
      expect((await buckets(store, ttft.sample_id)).length).toBe(ttftRaw.length);
      expect(ttft.count).toBe(raw(text, 'sglang:time_to_first_token_seconds_count')[0].value);
      const [itl] = await samples(store, `name = 'itl'`);
      expect(itl.count).toBe(raw(text, 'sglang:inter_token_latency_seconds_count')[0].value);
      const s = await summarize(store);
      const g = s.groups.find((x) => x.basis === 'server_histograms')!;
      expect(g.latency.ttft!.p50).toBeCloseTo(handQuantile(ttftRaw, 0.5), 12);
      expect(g.latency.queue!.count).toBe(raw(text, 'sglang:queue_time_seconds_count')[0].value);
    });
  });

  it('falls back to the file mtime as scrape time, with a warning', async () => {
    await withStore(async (store) => {
      const r = await ingestFile(store, sglangPath);
      expect(r.warnings.map((w) => w.code)).toContain('SCRAPE_TIME_MTIME');
      const t = await store.query(`SELECT DISTINCT t_ns FROM metric_sample`, { t_ns: 'bigint' });
      expect(t).toEqual([{ t_ns: statSync(sglangPath, { bigint: true }).mtimeNs }]);
    });
  });

  it('wins the sniff for both scrapes', async () => {
    for (const p of [vllmPath, sglangPath]) {
      const res = sniff(await readProbe(p));
      expect(res.format?.name).toBe('prometheus');
    }
  });
});
