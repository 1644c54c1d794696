import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { azureTimestamp, azureTraceCsv } from '../../examples/request-trace.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import { HAS_TRACES, TRACES, withStore } from '../../../test/helpers.js';

const AZURE = join(TRACES, 'azure-llm-2023');

/** Independent parse: split lines and commas; TIMESTAMP via Date.parse plus the digits after the dot. */
function parseAzure(text: string) {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  expect(lines[0]).toBe('TIMESTAMP,ContextTokens,GeneratedTokens');
  return lines.slice(1).map((l) => {
    const [ts, ctx, gen] = l.split(',');
    const [whole, frac = ''] = ts.split('.');
    const ns =
      BigInt(Date.parse(`${whole.replace(' ', 'T')}Z`)) * 1_000_000n +
      BigInt(frac.padEnd(9, '0').slice(0, 9));
    return { ns, prompt: Number(ctx), output: Number(gen) };
  });
}

async function storedRows(store: Parameters<Parameters<typeof withStore>[0]>[0]) {
  return store.query(
    `SELECT request_id, t_client_send_ns, prompt_tokens, output_tokens, clock, vantage, status
     FROM request ORDER BY CAST(request_id AS BIGINT)`,
    {
      request_id: 'text',
      t_client_send_ns: 'bigint',
      prompt_tokens: 'int',
      output_tokens: 'int',
      clock: 'text',
      vantage: 'text',
      status: 'text',
    },
  );
}

describe('azure-trace source', () => {
  it('reads a generated Azure trace with 100 ns timestamps exactly', async () => {
    const run = exampleRun({ seed: 11, requests: 300 });
    await withStore(async (store, dir) => {
      const path = join(dir, 'AzureLLMInferenceTrace_conv.csv');
      writeFileSync(path, azureTraceCsv(run));
      const r = await ingestFile(store, path);
      expect(r.format).toBe('azure-trace');
      expect(r.counts).toEqual({ run: 1, request: 300 });
      const rows = await storedRows(store);
      rows.forEach((row, i) => {
        const req = run.requests[i];
        expect(row.request_id).toBe(String(i));
        expect(row.t_client_send_ns).toBe(BigInt(Math.round(req.sendS * 1e6)) * 1000n);
        expect(row.prompt_tokens).toBe(req.promptTokens);
        expect(row.output_tokens).toBe(req.outputTokens);
      });
      const runs = await store.query(`SELECT tool, clock, name FROM run`, {
        tool: 'text',
        clock: 'text',
        name: 'text',
      });
      expect(runs).toEqual([
        { tool: 'azure-trace', clock: 'epoch', name: 'AzureLLMInferenceTrace_conv.csv' },
      ]);
    });
  });

  it('keeps 7 fractional digits and reads timestamps with a zone offset (2024 style)', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'azure-2024.csv');
      writeFileSync(
        path,
        'TIMESTAMP,ContextTokens,GeneratedTokens\n' +
          `${azureTimestamp(1_715_299_200_123_456_700n)},10,2\n` +
          '2024-05-10 00:00:01.0000001+00:00,11,3\n' +
          '2024-05-10 02:00:02.5+02:00,12,4\n',
      );
      await ingestFile(store, path);
      const rows = await storedRows(store);
      expect(rows.map((r) => r.t_client_send_ns)).toEqual([
        1_715_299_200_123_456_700n,
        1_715_299_201_000_000_100n,
        1_715_299_202_500_000_000n,
      ]);
    });
  });
});

describe.skipIf(!HAS_TRACES)('azure-trace: the published 2023 traces', () => {
  for (const name of ['AzureLLMInferenceTrace_code.csv', 'AzureLLMInferenceTrace_conv.csv']) {
    it(`ingests ${name} row for row`, async () => {
      const path = join(AZURE, name);
      const expected = parseAzure(readFileSync(path, 'utf8'));
      await withStore(async (store) => {
        const r = await ingestFile(store, path);
        expect(r.format).toBe('azure-trace');
        expect(r.counts.request).toBe(expected.length);
        const rows = await storedRows(store);
        expect(rows).toHaveLength(expected.length);
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        const [agg] = await store.query(
          `SELECT sum(prompt_tokens) AS p, sum(output_tokens) AS o,
                  min(t_client_send_ns) AS t0, max(t_client_send_ns) AS t1 FROM request`,
          { p: 'int', o: 'int', t0: 'bigint', t1: 'bigint' },
        );
        expect(agg.p).toBe(sum(expected.map((e) => e.prompt)));
        expect(agg.o).toBe(sum(expected.map((e) => e.output)));
        const times = expected.map((e) => e.ns);
        const min = times.reduce((a, b) => (b < a ? b : a));
        const max = times.reduce((a, b) => (b > a ? b : a));
        expect(agg.t0).toBe(min);
        expect(agg.t1).toBe(max);
        // About an hour on 2023-11-16 (README: 3,436 s code, 3,502 s conv).
        expect(Number(max - min) / 1e9).toBeGreaterThan(3400);
        expect(Number(max - min) / 1e9).toBeLessThan(3600);
        // Row for row: request_id is the row index in the file.
        rows.forEach((row, i) => {
          expect(row.t_client_send_ns).toBe(expected[i].ns);
          expect(row.prompt_tokens).toBe(expected[i].prompt);
          expect(row.output_tokens).toBe(expected[i].output);
        });
        expect(new Set(rows.map((x) => `${x.clock}/${x.vantage}/${x.status}`))).toEqual(
          new Set(['epoch/trace/ok']),
        );
      });
    });
  }
});
