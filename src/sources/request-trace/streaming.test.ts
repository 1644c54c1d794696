import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeSyntheticTrace } from '../../examples/request-trace.js';
import { ingestFile } from '../../store/ingest.js';
import { withStore } from '../../../test/helpers.js';

const ROWS = 1_000_000;

it('streams a 1M-row CSV through DuckDB: the JS heap stays flat; a cut last line is found', async () => {
  await withStore(async (store, dir) => {
    const path = join(dir, 'big.csv');
    const written = await writeSyntheticTrace(path, { rows: ROWS, kind: 'csv', seed: 9 });
    expect(written.bytes).toBeGreaterThan(80e6);

    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const timer = setInterval(sample, 2);
    const r = await ingestFile(store, path);
    clearInterval(timer);
    sample();
    expect(r.format).toBe('request-trace');
    expect(r.counts.request).toBe(ROWS);
    // A parse in JavaScript would hold the ~90 MB text and a million objects; the rows never
    // enter the JS heap, so it grows by well under the file size.
    expect(peak - base).toBeLessThan(24 * 2 ** 20);

    const [agg] = await store.query(
      `SELECT sum(prompt_tokens) AS p, sum(output_tokens) AS o, count(*) FILTER (WHERE status = 'error') AS e FROM request`,
      { p: 'int', o: 'int', e: 'int' },
    );
    expect(agg).toEqual({ p: written.promptTokens, o: written.outputTokens, e: written.errors });

    // The same file with its last line cut: the error names line 1,000,002 (header + 1M rows + 1).
    appendFileSync(path, 'r1000000,llama-3.1-8b,17636');
    const e = (await ingestFile(store, path).catch((x: unknown) => x)) as {
      code: string;
      context: { line?: number };
    };
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context.line).toBe(ROWS + 2);
    const [{ n }] = await store.query(`SELECT count(*) AS n FROM request`, { n: 'int' });
    expect(n).toBe(ROWS);
  });
});
