import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferscopeError } from '../base/errors.js';
import { exampleRun } from '../examples/workload.js';
import { vllmBenchJson } from '../examples/vllm-bench.js';
import { withStore } from '../../test/helpers.js';
import { ingestFile } from './ingest.js';
import type { Store } from './store.js';

const run = exampleRun({ seed: 3, requests: 40 });

async function counts(store: Store) {
  const [r] = await store.query(
    `SELECT (SELECT count(*) FROM ingest) AS ingests, (SELECT count(*) FROM request) AS requests,
            (SELECT count(*) FROM chunk) AS chunks, (SELECT count(*) FROM run_stat) AS stats`,
    { ingests: 'int', requests: 'int', chunks: 'int', stats: 'int' },
  );
  return r;
}

async function expectError(p: Promise<unknown>): Promise<InferscopeError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InferscopeError);
    return e as InferscopeError;
  }
  throw new Error('expected an InferscopeError');
}

describe('ingest', () => {
  it('records provenance and makes re-ingesting the same content a no-op', async () => {
    await withStore(async (store, dir) => {
      const a = join(dir, 'a.json');
      const b = join(dir, 'copy-of-a.json');
      writeFileSync(a, JSON.stringify(vllmBenchJson(run)));
      writeFileSync(b, JSON.stringify(vllmBenchJson(run)));
      const first = await ingestFile(store, a, { labels: { pool: 'x', build: '41' } });
      expect(first.status).toBe('ingested');
      const before = await counts(store);
      const again = await ingestFile(store, b);
      expect(again.status).toBe('skipped');
      expect(again.ingestId).toBe(first.ingestId);
      expect(await counts(store)).toEqual(before);
      const [prov] = await store.query(
        `SELECT path, format, labels, digest_sha256, byte_size FROM ingest`,
        {
          path: 'text',
          format: 'text',
          labels: 'text',
          digest_sha256: 'text',
          byte_size: 'int',
        },
      );
      expect(prov).toMatchObject({ path: a, format: 'vllm-bench' });
      expect(JSON.parse(prov.labels)).toEqual({ pool: 'x', build: '41' });
      expect(prov.digest_sha256).toMatch(/^[0-9a-f]{64}$/);
      // Labels attach to the records through the views.
      const pools = await store.query(`SELECT DISTINCT pool FROM requests`, { pool: 'text' });
      expect(pools).toEqual([{ pool: 'x' }]);
    });
  });

  it('names the formats tried when nothing recognises a file', async () => {
    await withStore(async (store, dir) => {
      const p = join(dir, 'notes.txt');
      writeFileSync(p, 'hello, this is not telemetry\n');
      const e = await expectError(ingestFile(store, p));
      expect(e.code).toBe('UNKNOWN_FORMAT');
      expect(e.hint).toContain('vllm-bench');
      expect(e.hint).toContain('--format');
    });
  });

  it('reports a missing file', async () => {
    await withStore(async (store, dir) => {
      const e = await expectError(ingestFile(store, join(dir, 'nope.json')));
      expect(e.code).toBe('FILE_NOT_FOUND');
    });
  });

  it('rejects a truncated file with its line and writes nothing', async () => {
    await withStore(async (store, dir) => {
      const p = join(dir, 'cut.json');
      const text = JSON.stringify(vllmBenchJson(run), null, 2);
      writeFileSync(p, text.slice(0, Math.floor(text.length / 2)));
      const e = await expectError(ingestFile(store, p, { format: 'vllm-bench' }));
      expect(e.code).toBe('PARSE_ERROR');
      expect(e.context.file).toBe(p);
      expect(e.context.line).toBeGreaterThan(1);
      expect(e.message).toMatch(/truncated/);
      expect(await counts(store)).toEqual({ ingests: 0, requests: 0, chunks: 0, stats: 0 });
    });
  });

  it('rejects a wrong type naming the field, and rolls back rows already appended', async () => {
    await withStore(async (store, dir) => {
      const doc = vllmBenchJson(run);
      (doc.input_lens as unknown[])[30] = -4; // negative token count: invalid for the schema
      const p = join(dir, 'bad.json');
      writeFileSync(p, JSON.stringify(doc));
      const e = await expectError(ingestFile(store, p));
      expect(e.code).toBe('INVALID_RECORD');
      expect(e.context.field).toContain('[30]');
      expect(e.context.field).toContain('prompt_tokens');
      expect(await counts(store)).toEqual({ ingests: 0, requests: 0, chunks: 0, stats: 0 });
      // A corrected file then ingests cleanly.
      writeFileSync(p, JSON.stringify(vllmBenchJson(run)));
      expect((await ingestFile(store, p)).status).toBe('ingested');
    });
  });

  it('rejects a field of the wrong type in the input format', async () => {
    await withStore(async (store, dir) => {
      const doc = vllmBenchJson(run);
      (doc.ttfts as unknown[])[2] = 'fast';
      const p = join(dir, 'bad-type.json');
      writeFileSync(p, JSON.stringify(doc));
      const e = await expectError(ingestFile(store, p));
      expect(e.code).toBe('PARSE_ERROR');
      expect(e.context.field).toBe('ttfts[2]');
    });
  });

  it('flags requests whose chunks run backwards', async () => {
    await withStore(async (store, dir) => {
      const doc = vllmBenchJson(run);
      const firstOk = run.requests.findIndex((x) => x.ok && x.gapsS.length > 2);
      (doc.itls as number[][])[firstOk][1] = -1; // the third chunk arrives before the second
      const p = join(dir, 'chunks.json');
      writeFileSync(p, JSON.stringify(doc));
      const r = await ingestFile(store, p);
      expect(r.flags).toEqual({ bad_chunks: 1 });
      const rows = await store.query(
        `SELECT request_id, flags FROM request WHERE flags IS NOT NULL`,
        {
          request_id: 'text',
          flags: 'text',
        },
      );
      expect(rows).toEqual([{ request_id: String(firstOk), flags: 'bad_chunks' }]);
    });
  });

  it('flags and counts bad timings instead of dropping them', async () => {
    await withStore(async (store, dir) => {
      const doc = vllmBenchJson(run);
      (doc.ttfts as number[])[0] = -0.5; // a negative TTFT: first token before the send
      const p = join(dir, 'skew.json');
      writeFileSync(p, JSON.stringify(doc));
      const r = await ingestFile(store, p);
      // The first token precedes the send, and so does the first chunk.
      expect(r.flags).toEqual({ out_of_order: 1, bad_chunks: 1 });
      const rows = await store.query(`SELECT count(*) AS n FROM requests WHERE NOT timing_ok`, {
        n: 'int',
      });
      expect(rows[0].n).toBe(1);
      expect((await counts(store)).requests).toBe(40);
    });
  });

  it('tells apart files that share size, head and tail (the fingerprint) by their full digest', async () => {
    await withStore(async (store, dir) => {
      const rows = (k: number) =>
        ['request_id,t_client_send_s,prompt_tokens,output_tokens']
          .concat(
            Array.from(
              { length: 120_000 },
              (_, i) => `r${i},${1_763_640_000 + i},${i === 60_000 ? k : 100},20`,
            ),
          )
          .join('\n');
      const a = join(dir, 'a.csv');
      const b = join(dir, 'b.csv');
      writeFileSync(a, rows(111));
      writeFileSync(b, rows(222)); // same length, same first and last MiB
      const ra = await ingestFile(store, a, { format: 'request-trace' });
      const rb = await ingestFile(store, b, { format: 'request-trace' });
      expect(rb.status).toBe('ingested');
      expect(rb.ingestId).not.toBe(ra.ingestId);
      expect((await ingestFile(store, b)).status).toBe('skipped');
      expect((await ingestFile(store, a)).status).toBe('skipped');
      const [{ n }] = await store.query(`SELECT count(*) AS n FROM request`, { n: 'int' });
      expect(n).toBe(240_000);
    });
  });
});
