import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vllmMetricsText } from '../../examples/prometheus.js';
import { vllmBenchJson } from '../../examples/vllm-bench.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { readProbe } from '../read.js';
import { prometheus } from './prometheus.js';
import { parseLine } from './line-parser.js';
import { withStore } from '../../../test/helpers.js';

const T0 = 1_700_000_000_000_000_000n;

async function ingestText(store: Store, dir: string, text: string, name = 'metrics.prom') {
  const path = join(dir, name);
  writeFileSync(path, text);
  return ingestFile(store, path, { scrapeTimeNs: T0, format: 'prometheus' });
}

async function rows(store: Store, where = 'TRUE') {
  return store.query(
    `SELECT sample_id, t_ns, name, native_name, kind, labels, value, count, unit_scale
     FROM metric_sample WHERE ${where} ORDER BY sample_id`,
    {
      sample_id: 'int',
      t_ns: 'bigint',
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

async function les(store: Store, sampleId: number) {
  const r = await store.query(
    `SELECT le, count FROM metric_bucket WHERE sample_id = ? ORDER BY le`,
    { le: 'float', count: 'float' },
    [sampleId],
  );
  return r.map((x) => [x.le, x.count]);
}

describe('prometheus line parser', () => {
  it('decodes label escapes, special values, timestamps and quoted names', () => {
    expect(parseLine('x{a="q\\"uote",b="back\\\\slash",c="new\\nline",} 1 1700000000123')).toEqual({
      kind: 'sample',
      name: 'x',
      labels: [
        ['a', 'q"uote'],
        ['b', 'back\\slash'],
        ['c', 'new\nline'],
      ],
      value: 1,
      timestamp: '1700000000123',
      exemplar: false,
    });
    expect(
      parseLine('g +Inf').kind === 'sample' && (parseLine('g +Inf') as { value: number }).value,
    ).toBe(Infinity);
    expect((parseLine('g -Inf') as { value: number }).value).toBe(-Infinity);
    expect(Number.isNaN((parseLine('g NaN') as { value: number }).value)).toBe(true);
    expect(parseLine('{"my.metric", a="b"} 2')).toMatchObject({
      name: 'my.metric',
      labels: [['a', 'b']],
    });
    expect(parseLine('c_total 3 # {trace_id="abc"} 1 1.5')).toMatchObject({
      value: 3,
      exemplar: true,
    });
    expect(parseLine('# TYPE foo histogram')).toEqual({
      kind: 'type',
      name: 'foo',
      type: 'histogram',
    });
    expect(parseLine('# HELP foo a \\\\ b\\nc')).toEqual({
      kind: 'help',
      name: 'foo',
      text: 'a \\ b\nc',
    });
    expect(parseLine('# a plain comment')).toEqual({ kind: 'comment' });
    expect(parseLine('   ')).toEqual({ kind: 'blank' });
    expect(parseLine('# EOF')).toEqual({ kind: 'eof' });
  });

  it('says what it expected on malformed lines', () => {
    expect(() => parseLine('foo{a="b" 1')).toThrow(/expected ',' or '}'/);
    expect(() => parseLine('foo{a=b} 1')).toThrow(/expected value of label "a" in double quotes/);
    expect(() => parseLine('foo 12abc')).toThrow(/expected a float sample value/);
    expect(() => parseLine('foo{a="\\t"} 1')).toThrow(/invalid escape/);
    expect(() => parseLine('foo{a="1",a="2"} 1')).toThrow(/label "a" appears twice/);
    expect(() => parseLine('foo')).toThrow(/expected a blank and then the sample value/);
    expect(() => parseLine('foo 1 soon')).toThrow(/expected a timestamp/);
    expect(() => parseLine('# TYPE foo bar')).toThrow(/expected a metric type/);
  });
});

describe('prometheus source: format details', () => {
  it('stores special values, ms timestamps, OpenMetrics seconds and skips _created', async () => {
    await withStore(async (store, dir) => {
      const r = await ingestText(
        store,
        dir,
        ['# TYPE g_inf gauge', 'g_inf +Inf', 'g_nan NaN', 'g_ts{a="x"} 2 1700000000123'].join('\n'),
      );
      expect(r.warnings.map((w) => w.code)).toContain('NAN_VALUES');
      const all = await rows(store);
      expect(all.map((x) => [x.name, x.kind, x.value, x.t_ns])).toEqual([
        ['g_inf', 'gauge', Infinity, T0],
        ['g_nan', 'untyped', null, T0],
        ['g_ts', 'untyped', 2, 1_700_000_000_123_000_000n],
      ]);
    });
    await withStore(async (store, dir) => {
      const r = await ingestText(
        store,
        dir,
        [
          '# TYPE foo counter',
          '# UNIT foo seconds',
          'foo_total 3 1700000000.5',
          'foo_created 1699999999 1700000000.5',
          '# EOF',
        ].join('\n'),
        'om.txt',
      );
      expect(r.warnings.map((w) => w.code)).toContain('CREATED_SKIPPED');
      expect((await rows(store)).map((x) => [x.native_name, x.kind, x.value, x.t_ns])).toEqual([
        ['foo', 'counter', 3, 1_700_000_000_500_000_000n],
      ]);
    });
  });

  it('keeps summaries as one sum/count row plus one row per quantile', async () => {
    await withStore(async (store, dir) => {
      await ingestText(
        store,
        dir,
        [
          '# TYPE rpc_seconds summary',
          'rpc_seconds{service="a",quantile="0.5"} 0.25',
          'rpc_seconds{service="a",quantile="0.99"} NaN',
          'rpc_seconds_sum{service="a"} 12.5',
          'rpc_seconds_count{service="a"} 40',
        ].join('\n'),
      );
      const all = await rows(store);
      expect(all.map((x) => [x.kind, JSON.parse(x.labels), x.value, x.count])).toEqual([
        ['summary', { service: 'a' }, 12.5, 40],
        ['summary', { quantile: '0.5', service: 'a' }, 0.25, null],
        ['summary', { quantile: '0.99', service: 'a' }, null, null],
      ]);
    });
  });

  it('maps Triton, TRT-LLM and TGI names, converting ms and µs to seconds', async () => {
    await withStore(async (store, dir) => {
      await ingestText(
        store,
        dir,
        [
          '# TYPE nv_inference_request_duration_us counter',
          'nv_inference_request_duration_us{model="m",version="1"} 2500000',
          '# TYPE nv_inference_first_response_histogram_ms histogram',
          'nv_inference_first_response_histogram_ms_bucket{model="m",version="1",le="100"} 3',
          'nv_inference_first_response_histogram_ms_bucket{model="m",version="1",le="500"} 4',
          'nv_inference_first_response_histogram_ms_bucket{model="m",version="1",le="+Inf"} 5',
          'nv_inference_first_response_histogram_ms_sum{model="m",version="1"} 1500',
          'nv_inference_first_response_histogram_ms_count{model="m",version="1"} 5',
          '# TYPE nv_trt_llm_request_metrics gauge',
          'nv_trt_llm_request_metrics{model="m",request_type="waiting",version="1"} 7',
          'nv_trt_llm_request_metrics{model="m",request_type="scheduled",version="1"} 3',
          'nv_trt_llm_request_metrics{model="m",request_type="max",version="1"} 64',
          '# TYPE nv_inference_pending_request_count gauge',
          'nv_inference_pending_request_count{model="m",version="1"} 0',
        ].join('\n'),
      );
      const all = await rows(store);
      const by = (n: string) => all.filter((x) => x.native_name === n);
      expect(
        by('nv_inference_request_duration_us').map((x) => [x.name, x.value, x.unit_scale]),
      ).toEqual([['e2e_time_total', 2.5, 1e-6]]);
      const [ttft] = by('nv_inference_first_response_histogram_ms');
      expect([ttft.name, ttft.value, ttft.count]).toEqual(['ttft', 1.5, 5]);
      expect(await les(store, ttft.sample_id)).toEqual([
        [0.1, 3],
        [0.5, 4],
        [Infinity, 5],
      ]);
      expect(by('nv_trt_llm_request_metrics').map((x) => x.name)).toEqual([
        'requests_waiting',
        'requests_running',
        'nv_trt_llm_request_metrics',
      ]);
      // Triton's own pending count is the same signal; the TRT-LLM one wins.
      expect(by('nv_inference_pending_request_count')[0].name).toBe(
        'nv_inference_pending_request_count',
      );
    });
    await withStore(async (store, dir) => {
      await ingestText(
        store,
        dir,
        [
          '# TYPE tgi_request_mean_time_per_token_duration histogram',
          'tgi_request_mean_time_per_token_duration_bucket{le="0.05"} 2',
          'tgi_request_mean_time_per_token_duration_bucket{le="+Inf"} 2',
          'tgi_request_mean_time_per_token_duration_sum 0.06',
          'tgi_request_mean_time_per_token_duration_count 2',
          '# TYPE tgi_request_success counter',
          'tgi_request_success 2',
        ].join('\n'),
      );
      const all = await rows(store);
      expect(all.map((x) => [x.name, x.kind])).toEqual([
        ['tgi_request_mean_time_per_token_duration', 'histogram'],
        ['requests_finished', 'counter'],
      ]);
    });
  });

  it('groups known histograms of comment-less scrapes, and adds a missing +Inf bucket', async () => {
    await withStore(async (store, dir) => {
      const r = await ingestText(
        store,
        dir,
        [
          'vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 1',
          'vllm:time_to_first_token_seconds_bucket{le="0.5",model_name="m"} 3',
          'vllm:time_to_first_token_seconds_sum{model_name="m"} 0.9',
          'vllm:time_to_first_token_seconds_count{model_name="m"} 4',
          'vllm:prompt_tokens_total{model_name="m"} 12',
        ].join('\n'),
      );
      expect(r.warnings.map((w) => w.code)).toContain('HISTOGRAM_NO_INF');
      const all = await rows(store);
      expect(all.map((x) => [x.name, x.kind, x.value, x.count])).toEqual([
        ['ttft', 'histogram', 0.9, 4],
        ['prompt_tokens', 'counter', 12, null],
      ]);
      expect(await les(store, all[0].sample_id)).toEqual([
        [0.1, 1],
        [0.5, 3],
        [Infinity, 4],
      ]);
    });
  });

  it('reads gzip-compressed scrapes', async () => {
    await withStore(async (store, dir) => {
      const text = vllmMetricsText(exampleRun({ requests: 30 }));
      const path = join(dir, 'scrape.prom.gz');
      writeFileSync(path, gzipSync(text));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('prometheus');
      const histograms = (text.match(/^# TYPE \S+ histogram$/gm) ?? []).length;
      expect((await rows(store, `kind = 'histogram'`)).length).toBe(histograms);
    });
  });
});

describe('prometheus source: bad input', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['a broken label set', ['# TYPE a gauge', 'a{x="1" 2'], 2, /expected ',' or '}'/],
    [
      'a bucket without le',
      ['# TYPE h histogram', 'h_bucket{le="1"} 1', 'h_bucket{x="y"} 2'],
      3,
      /expected an "le" label/,
    ],
    ['a non-numeric value', ['ok 1', 'bad{x="1"} one'], 2, /expected a float sample value/],
    ['an unknown type', ['# TYPE a widget'], 1, /expected a metric type/],
    [
      'a type declared twice',
      ['# TYPE a gauge', 'a 1', '# TYPE a counter'],
      3,
      /declared gauge and then counter/,
    ],
    [
      'two scrapes without timestamps',
      ['# TYPE a gauge', 'a{x="1"} 1', '# TYPE b gauge', 'b 2', '# TYPE a gauge', 'a{x="1"} 3'],
      6,
      /appears twice at the same time/,
    ],
    [
      'a histogram bucket repeated',
      ['# TYPE h histogram', 'h_bucket{le="1"} 1', 'h_bucket{le="1.0"} 1'],
      3,
      /bucket le="1.0" appears twice/,
    ],
  ];
  for (const [what, lines, line, message] of cases) {
    it(`rejects ${what} with its line number and writes nothing`, async () => {
      await withStore(async (store, dir) => {
        const path = join(dir, 'bad.prom');
        writeFileSync(path, lines.join('\n') + '\n');
        const err = await ingestFile(store, path, { scrapeTimeNs: T0, format: 'prometheus' }).catch(
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'PARSE_ERROR', context: { file: path, line } });
        expect((err as Error).message).toMatch(message);
        const n = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
        expect(n[0].n).toBe(0);
        expect((await rows(store)).length).toBe(0);
      });
    });
  }

  it('scores 0 on other formats and wins on scrapes', async () => {
    await withStore(async (_store, dir) => {
      const files: [string, string, boolean][] = [
        ['bench.json', JSON.stringify(vllmBenchJson(exampleRun({ requests: 5 }))), false],
        ['trace.csv', 'request_id,arrival_s,prompt_tokens\n1,0.5,10\n', false],
        ['notes.txt', 'Hello world, these are notes.\nNothing to see.\n', false],
        ['empty.txt', '', false],
        ['plain.txt', 'up 1\nprocess_open_fds 12\n', true],
        [
          'metrics',
          '# HELP vllm:num_requests_running r\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running 1\n',
          true,
        ],
      ];
      for (const [name, text, yes] of files) {
        const path = join(dir, name);
        writeFileSync(path, text);
        const score = prometheus.sniff(await readProbe(path));
        if (yes) expect(score, name).toBeGreaterThan(0.4);
        else expect(score, name).toBe(0);
      }
    });
  });
});
