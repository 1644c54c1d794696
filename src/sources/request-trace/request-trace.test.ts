import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../analyses/summary/summary.js';
import { quantile } from '../../base/stats.js';
import {
  canonicalTraceRows,
  GATEWAY_MAP,
  gatewayTraceRows,
  toCsv,
  toJsonl,
} from '../../examples/request-trace.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { withStore } from '../../../test/helpers.js';

const run = exampleRun({ seed: 21, requests: 160, errorRate: 0.05 });
const ok = run.requests.filter((r) => r.ok);

/** Figures computed straight from the seeded run, in plain JS. */
const truth = {
  errors: run.requests.length - ok.length,
  ttftP50: quantile(
    ok.map((r) => r.ttftS),
    0.5,
  ),
  ttftP99: quantile(
    ok.map((r) => r.ttftS),
    0.99,
  ),
  e2eMean: ok.reduce((a, r) => a + r.e2eS, 0) / ok.length,
};

async function checkSummary(store: Store, digits: number) {
  const s = await summarize(store);
  const g = s.groups.find((x) => x.basis === 'requests')!;
  expect(g.requests).toBe(run.requests.length);
  expect(g.errors).toBe(truth.errors);
  expect(g.flagged).toBe(0);
  expect(g.latency.ttft!.p50!).toBeCloseTo(truth.ttftP50, digits);
  expect(g.latency.ttft!.p99!).toBeCloseTo(truth.ttftP99, digits);
  expect(g.latency.e2e!.mean!).toBeCloseTo(truth.e2eMean, digits);
}

async function ingestText(
  store: Store,
  dir: string,
  name: string,
  text: string,
  map?: Record<string, string>,
) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return ingestFile(store, path, map ? { format: 'request-trace', map } : {});
}

describe('request-trace: canonical column names (auto-mapping)', () => {
  it('reads CSV and JSONL with the same figures', async () => {
    const rows = canonicalTraceRows(run);
    await withStore(async (store, dir) => {
      const r = await ingestText(store, dir, 'trace.csv', toCsv(rows));
      expect(r.format).toBe('request-trace');
      expect(r.counts.request).toBe(160);
      expect(r.warnings).toEqual([]);
      await checkSummary(store, 8);
      const [one] = await store.query(
        `SELECT t_client_send_ns, model, pool, replica, clock, vantage, error_message FROM request WHERE request_id = ?`,
        {
          t_client_send_ns: 'bigint',
          model: 'text',
          pool: 'text',
          replica: 'text',
          clock: 'text',
          vantage: 'text',
          error_message: 'text?',
        },
        [run.requests[3].id],
      );
      expect(one).toEqual({
        t_client_send_ns: BigInt(rows[3].t_client_send_ns as string),
        model: run.model,
        pool: run.requests[3].pool,
        replica: run.requests[3].replica,
        clock: 'epoch',
        vantage: 'trace',
        error_message: run.requests[3].error ?? null,
      });
    });
    await withStore(async (store, dir) => {
      const r = await ingestText(store, dir, 'trace.jsonl', toJsonl(rows));
      expect(r.format).toBe('request-trace');
      await checkSummary(store, 8);
    });
  });

  it('reads Parquet (sniffed from the schema in a small file)', async () => {
    await withStore(async (store, dir) => {
      const csv = join(dir, 'trace.csv');
      writeFileSync(csv, toCsv(canonicalTraceRows(run)));
      const pq = join(dir, 'trace.parquet');
      await store.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${pq}' (FORMAT parquet)`);
      const r = await ingestFile(store, pq);
      expect(r.format).toBe('request-trace');
      expect(r.counts.request).toBe(160);
      await checkSummary(store, 8);
    });
  });

  it('reads back what the requests view exports, ignoring derived columns with a warning', async () => {
    await withStore(async (store, dir) => {
      await ingestText(store, dir, 'trace.csv', toCsv(canonicalTraceRows(run)));
      const exported = await store.queryRaw(
        `SELECT * EXCLUDE (labels) FROM requests ORDER BY request_id`,
      );
      const plain = exported.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            typeof v === 'bigint' ? v.toString() : (v as string | number | boolean | null),
          ]),
        ),
      );
      await withStore(async (store2, dir2) => {
        const r = await ingestText(store2, dir2, 'export.csv', toCsv(plain));
        expect(r.format).toBe('request-trace');
        expect(r.warnings.map((w) => w.code)).toEqual(['DERIVED_COLUMNS']);
        expect(r.warnings[0].message).toContain('ttft_s');
        await checkSummary(store2, 8);
        const again = await store2.queryRaw(
          `SELECT request_id, t_first_token_ns, status FROM request ORDER BY request_id`,
        );
        expect(again).toEqual(
          exported.map((x) => ({
            request_id: x.request_id,
            t_first_token_ns: x.t_first_token_ns,
            status: x.status,
          })),
        );
      });
    });
  });
});

describe('request-trace: --map', () => {
  it('maps a gateway log with units (epoch s, ms durations, HTTP status)', async () => {
    await withStore(async (store, dir) => {
      const r = await ingestText(
        store,
        dir,
        'gateway.csv',
        toCsv(gatewayTraceRows(run)),
        GATEWAY_MAP,
      );
      expect(r.counts.request).toBe(160);
      expect(r.warnings.map((w) => w.message)).toEqual([
        'columns kept in attributes (no request field): route',
      ]);
      await checkSummary(store, 6);
      const failed = await store.query(
        `SELECT status, error_type, json_extract_string(attributes, '$.route') AS route,
                t_client_send_ns FROM request WHERE request_id = ?`,
        { status: 'text', error_type: 'text?', route: 'text', t_client_send_ns: 'bigint' },
        [run.requests.find((x) => !x.ok)!.id],
      );
      const req = run.requests.find((x) => !x.ok)!;
      expect(failed).toEqual([
        {
          status: 'error',
          error_type: '503',
          route: `/v1/${req.pool}`,
          // arrival_s has 6 decimals: exact to the µs, no float rounding.
          t_client_send_ns: BigInt(Math.round(req.sendS * 1e6)) * 1000n,
        },
      ]);
    });
  });

  it('converts every unit suffix and places durations from the request start', async () => {
    await withStore(async (store, dir) => {
      const csv =
        'id,sent,arrive_us,first_ms,e2e,tpot,out,state,node\n' +
        'a,2025-11-20T12:00:00.000000001Z,1763640000000100.5,100.25,1.5,0.01,11,SUCCESS,n1\n' +
        'b,2025-11-20 12:00:01+01:00,,,,,,cancelled,n2\n';
      const r = await ingestText(store, dir, 'units.csv', csv, {
        id: 'request_id',
        sent: 't_client_send_iso',
        arrive_us: 't_replica_arrival_us',
        first_ms: 'ttft_ms',
        e2e: 'e2e_s',
        tpot: 'tpot_s',
        out: 'output_tokens',
        state: 'status',
        node: 'replica',
      });
      expect(r.counts.request).toBe(2);
      const rows = await store.queryRaw(
        `SELECT request_id, clock, status, replica, t_client_send_ns, t_replica_arrival_ns, t_first_token_ns, t_last_token_ns, t_end_ns FROM request ORDER BY request_id`,
      );
      const send = 1_763_640_000_000_000_001n;
      expect(rows).toEqual([
        {
          request_id: 'a',
          clock: 'epoch',
          status: 'ok',
          replica: 'n1',
          t_client_send_ns: send,
          t_replica_arrival_ns: 1_763_640_000_000_100_500n,
          t_first_token_ns: send + 100_250_000n,
          t_last_token_ns: send + 100_250_000n + 100_000_000n,
          t_end_ns: send + 1_500_000_000n,
        },
        {
          request_id: 'b',
          clock: 'epoch',
          status: 'aborted',
          replica: 'n2',
          t_client_send_ns: 1_763_636_401_000_000_000n,
          t_replica_arrival_ns: null,
          t_first_token_ns: null,
          t_last_token_ns: null,
          t_end_ns: null,
        },
      ]);
    });
  });

  it('infers the clock: durations only → request, small numbers → run', async () => {
    await withStore(async (store, dir) => {
      await ingestText(
        store,
        dir,
        'durations.csv',
        'ttft_s,e2e_s,prompt_tokens\n0.2,1.0,10\n0.3,1.1,12\n',
      );
      await ingestText(
        store,
        dir,
        'relative.jsonl',
        '{"t_client_send_ms": 0, "ttft_ms": 50}\n{"t_client_send_ms": 1250.5, "ttft_ms": 60}\n',
      );
      const rows = await store.queryRaw(
        `SELECT format, clock, t_client_send_ns, t_first_token_ns FROM request JOIN ingest USING (ingest_id) ORDER BY clock::VARCHAR, t_first_token_ns`,
      );
      expect(rows).toEqual([
        {
          format: 'request-trace',
          clock: 'request',
          t_client_send_ns: null,
          t_first_token_ns: 200_000_000n,
        },
        {
          format: 'request-trace',
          clock: 'request',
          t_client_send_ns: null,
          t_first_token_ns: 300_000_000n,
        },
        {
          format: 'request-trace',
          clock: 'run',
          t_client_send_ns: 0n,
          t_first_token_ns: 50_000_000n,
        },
        {
          format: 'request-trace',
          clock: 'run',
          t_client_send_ns: 1_250_500_000n,
          t_first_token_ns: 1_310_500_000n,
        },
      ]);
    });
  });
});

describe('request-trace: mapping errors', () => {
  const csv = 'arrival,in_tok,out_tok\n1763640000.5,10,2\n';

  async function failure(map: Record<string, string>, text = csv, name = 't.csv') {
    return withStore(async (store, dir) => {
      const err = await ingestText(store, dir, name, text, map).catch((e: unknown) => e);
      const [{ n }] = await store.query(`SELECT count(*) AS n FROM ingest`, { n: 'int' });
      expect(n).toBe(0);
      return err as { code: string; message: string; hint?: string; context: { field?: string } };
    });
  }

  it('names the missing column and lists the file columns', async () => {
    const e = await failure({ arrival_time: 't_client_send_s', in_tok: 'prompt_tokens' });
    expect(e.code).toBe('MAPPING_ERROR');
    expect(e.message).toContain('no column "arrival_time"');
    expect(e.message).toContain('arrival, in_tok, out_tok');
    expect(e.context.field).toBe('arrival_time');
  });

  it('lists the JSONL keys too', async () => {
    const e = await failure({ lat: 'e2e_s' }, '{"ts": 1, "tokens": 3}\n', 't.jsonl');
    expect(e.code).toBe('MAPPING_ERROR');
    expect(e.message).toContain('ts, tokens');
  });

  it('rejects an unknown field, a field mapped twice and a file with nothing to map', async () => {
    const unknown = await failure({ arrival: 't_client_sent_s' });
    expect(unknown.code).toBe('MAPPING_ERROR');
    expect(unknown.hint).toContain('t_client_send_{ns,us,ms,s,iso}');
    const twice = await failure({ in_tok: 'prompt_tokens', out_tok: 'prompt_tokens' });
    expect(twice.message).toContain('both fill prompt_tokens');
    const nothing = await failure({});
    expect(nothing.code).toBe('MAPPING_ERROR');
    expect(nothing.message).toContain('arrival, in_tok, out_tok');
  });

  it('needs ttft and output tokens for tpot', async () => {
    const e = await failure({ arrival: 't_client_send_s', in_tok: 'tpot_s' });
    expect(e.code).toBe('MAPPING_ERROR');
    expect(e.message).toContain('needs t_first_token_* or ttft_*');
  });

  it('rejects a clock or vantage value outside the canonical set', async () => {
    const e = await failure({}, 'request_id,prompt_tokens,vantage\na,1,client\nb,2,laptop\n');
    expect(e.code).toBe('INVALID_RECORD');
    expect(e.message).toContain('vantage must be one of');
    expect(e.message).toContain('laptop');
  });

  it('rejects rows without a request id', async () => {
    const e = await failure({}, 'request_id,prompt_tokens\na,1\n,2\n');
    expect(e.code).toBe('INVALID_RECORD');
    expect(e.context.field).toBe('request_id');
  });

  it('rejects negative token counts', async () => {
    const e = await failure({}, 'request_id,prompt_tokens\na,1\nb,-2\n');
    expect(e.code).toBe('INVALID_RECORD');
    expect(e.message).toContain('1 rows have negative token counts');
  });
});
