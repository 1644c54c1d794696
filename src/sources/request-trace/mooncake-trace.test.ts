import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mooncakeTraceJsonl } from '../../examples/request-trace.js';
import { exampleRun } from '../../examples/workload.js';
import { ingestFile } from '../../store/ingest.js';
import type { Store } from '../../store/store.js';
import { HAS_TRACES, TRACES, withStore } from '../../../test/helpers.js';

interface MooncakeRecord {
  timestamp: number;
  input_length: number;
  output_length: number;
  hash_ids: number[];
}

/** Independent parse: one JSON.parse per line. */
function parseJsonl(text: string): MooncakeRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MooncakeRecord);
}

async function storedRows(store: Store) {
  return store.query(
    `SELECT t_client_send_ns, prompt_tokens, output_tokens, prefix_blocks, clock
     FROM request ORDER BY CAST(request_id AS BIGINT)`,
    {
      t_client_send_ns: 'bigint',
      prompt_tokens: 'int',
      output_tokens: 'int',
      prefix_blocks: 'text',
      clock: 'text',
    },
  );
}

function expectSameRows(rows: Awaited<ReturnType<typeof storedRows>>, records: MooncakeRecord[]) {
  expect(rows).toHaveLength(records.length);
  rows.forEach((row, i) => {
    const rec = records[i];
    expect(row.t_client_send_ns).toBe(BigInt(rec.timestamp) * 1_000_000n);
    expect(row.prompt_tokens).toBe(rec.input_length);
    expect(row.output_tokens).toBe(rec.output_length);
    expect(JSON.parse(row.prefix_blocks)).toEqual(rec.hash_ids);
    expect(row.clock).toBe('run');
  });
}

describe('mooncake-trace source', () => {
  it('reads a generated Mooncake trace with its prefix blocks', async () => {
    const run = exampleRun({ seed: 5, requests: 250 });
    const text = mooncakeTraceJsonl(run);
    await withStore(async (store, dir) => {
      const path = join(dir, 'trace.jsonl');
      writeFileSync(path, text);
      const r = await ingestFile(store, path);
      expect(r.format).toBe('mooncake-trace');
      expect(r.counts).toEqual({ run: 1, request: 250 });
      expectSameRows(await storedRows(store), parseJsonl(text));
    });
  });

  it('keeps unknown keys in attributes and warns once', async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'trace.jsonl');
      writeFileSync(
        path,
        '{"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [0, 1], "session": "s1"}\n' +
          '{"timestamp": 27, "input_length": 700, "output_length": 6, "hash_ids": [0, 2], "session": "s2"}\n',
      );
      const r = await ingestFile(store, path);
      expect(r.warnings.map((w) => w.code)).toEqual(['UNMAPPED_COLUMNS']);
      const rows = await store.query(`SELECT attributes FROM request ORDER BY request_id`, {
        attributes: 'text',
      });
      expect(rows.map((x) => JSON.parse(x.attributes))).toEqual([
        { session: 's1' },
        { session: 's2' },
      ]);
    });
  });
});

describe.skipIf(!HAS_TRACES)('mooncake-trace: the published FAST25 traces', () => {
  for (const name of ['conversation_trace.jsonl', 'synthetic_trace.jsonl']) {
    it(`ingests ${name} row for row`, async () => {
      const path = join(TRACES, 'mooncake-fast25', name);
      const records = parseJsonl(readFileSync(path, 'utf8'));
      await withStore(async (store) => {
        const r = await ingestFile(store, path);
        expect(r.format).toBe('mooncake-trace');
        expect(r.counts.request).toBe(records.length);
        const [agg] = await store.query(
          `SELECT sum(prompt_tokens) AS p, sum(output_tokens) AS o, max(t_client_send_ns) AS t1,
                  sum(json_array_length(prefix_blocks)) AS blocks FROM request`,
          { p: 'int', o: 'int', t1: 'bigint', blocks: 'int' },
        );
        const sum = (f: (x: MooncakeRecord) => number) => records.reduce((a, x) => a + f(x), 0);
        expect(agg.p).toBe(sum((x) => x.input_length));
        expect(agg.o).toBe(sum((x) => x.output_length));
        expect(agg.blocks).toBe(sum((x) => x.hash_ids.length));
        const span = Math.max(...records.map((x) => x.timestamp));
        expect(agg.t1).toBe(BigInt(span) * 1_000_000n);
        // README: conversation spans 3,537 s, synthetic 1,022 s.
        expect(span / 1000).toBeGreaterThan(1000);
        expectSameRows(await storedRows(store), records);
      });
    });
  }
});
