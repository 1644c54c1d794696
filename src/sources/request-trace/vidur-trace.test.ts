import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vidurTraceCsv } from '../../examples/request-trace.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { HAS_TRACES, TRACES, withStore } from '../../../test/helpers.js';

/** Independent parse: header names, then numbers per line. */
function parseCsv(text: string): Record<string, number>[] {
  const [head, ...lines] = text.split(/\r?\n/).filter((l) => l !== '');
  const cols = head.split(',');
  return lines.map((l) => {
    const v = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, Number(v[i])]));
  });
}

async function storedRows(store: Store) {
  return store.query(
    `SELECT t_client_send_ns, prompt_tokens, output_tokens, clock
     FROM request ORDER BY CAST(request_id AS BIGINT)`,
    { t_client_send_ns: 'bigint?', prompt_tokens: 'int', output_tokens: 'int', clock: 'text' },
  );
}

describe('vidur-trace source', () => {
  it('reads a generated processed trace (arrivals in s from the first request)', async () => {
    const run = exampleRun({ seed: 3, requests: 120 });
    const text = vidurTraceCsv(run);
    await withStore(async (store, dir) => {
      const path = join(dir, 'splitwise_conv.csv');
      writeFileSync(path, text);
      const r = await ingestFile(store, path);
      expect(r.format).toBe('vidur-trace');
      const rows = await storedRows(store);
      parseCsv(text).forEach((e, i) => {
        expect(rows[i].t_client_send_ns).toBe(BigInt(Math.round(e.arrived_at * 1e9)));
        expect(rows[i].prompt_tokens).toBe(e.num_prefill_tokens);
        expect(rows[i].clock).toBe('run');
      });
    });
  });
});

describe.skipIf(!HAS_TRACES)('vidur-trace: the traces vidur ships', () => {
  for (const name of ['splitwise_code.csv', 'splitwise_conv.csv']) {
    it(`ingests ${name} row for row`, async () => {
      const path = join(TRACES, 'vidur-shipped', name);
      const expected = parseCsv(readFileSync(path, 'utf8'));
      await withStore(async (store) => {
        const r = await ingestFile(store, path);
        expect(r.format).toBe('vidur-trace');
        expect(r.counts.request).toBe(expected.length);
        const rows = await storedRows(store);
        expect(rows).toHaveLength(expected.length);
        rows.forEach((row, i) => {
          // Decimal seconds rounded to ns (some values carry 16 digits, e.g. 5.8926549999999995).
          expect(row.t_client_send_ns).toBe(BigInt(Math.round(expected[i].arrived_at * 1e9)));
          expect(row.prompt_tokens).toBe(expected[i].num_prefill_tokens);
          expect(row.output_tokens).toBe(expected[i].num_decode_tokens);
        });
        const last = Math.max(...expected.map((e) => e.arrived_at));
        expect(last).toBeGreaterThan(3400);
      });
    });
  }

  it('reads the length-only arxiv file on the request clock, extra columns in attributes', async () => {
    const path = join(
      TRACES,
      'vidur-shipped',
      'arxiv_summarization_stats_llama2_tokenizer_filtered_v2.csv',
    );
    const expected = parseCsv(readFileSync(path, 'utf8'));
    await withStore(async (store) => {
      const r = await ingestFile(store, path);
      expect(r.format).toBe('vidur-trace');
      expect(r.counts.request).toBe(expected.length);
      expect(r.warnings[0].message).toContain('num_total_tokens, pd_ratio');
      const [agg] = await store.query(
        `SELECT sum(prompt_tokens) AS p, sum(output_tokens) AS o, count(t_client_send_ns) AS timed,
                count(DISTINCT clock) AS clocks, any_value(clock) AS clock,
                sum(CAST(json_extract_string(attributes, '$.num_total_tokens') AS BIGINT)) AS total
         FROM request`,
        { p: 'int', o: 'int', timed: 'int', clocks: 'int', clock: 'text', total: 'int' },
      );
      const sum = (k: string) => expected.reduce((a, e) => a + e[k], 0);
      expect(agg).toEqual({
        p: sum('num_prefill_tokens'),
        o: sum('num_decode_tokens'),
        timed: 0,
        clocks: 1,
        clock: 'request',
        total: sum('num_total_tokens'),
      });
    });
  });
});
