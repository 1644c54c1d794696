import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProbe } from '../read.js';
import { sniff } from '../registry.js';
import { azureTrace, mooncakeTrace, requestTrace, vidurTrace } from './index.js';
import { HAS_SAMPLES, HAS_TRACES, SAMPLES, TRACES, tempDir } from '../../../test/helpers.js';

const MINE = [azureTrace, mooncakeTrace, vidurTrace, requestTrace];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe.skipIf(!HAS_TRACES)('request traces: sniffing the published traces', () => {
  const expected: Record<string, string> = {
    'azure-llm-2023': 'azure-trace',
    'mooncake-fast25': 'mooncake-trace',
    'vidur-shipped': 'vidur-trace',
  };
  it('each trace goes to its own format, which beats every other one', async () => {
    for (const path of files(TRACES).filter((p) => !p.endsWith('.md'))) {
      const want = expected[path.slice(TRACES.length + 1).split('/')[0]];
      const r = sniff(await readProbe(path));
      expect(r.format?.name, path).toBe(want);
      expect(r.scores[0].score).toBeGreaterThan(r.scores[1].score);
    }
  });
});

describe.skipIf(!HAS_SAMPLES)('request traces: other formats', () => {
  it('score 0 on every sample of the other tools', async () => {
    for (const path of files(SAMPLES)) {
      const probe = await readProbe(path);
      for (const f of MINE) expect(f.sniff(probe), `${f.name} on ${path}`).toBe(0);
    }
  });
});

describe('request traces: sniffing headers', () => {
  it('tells the formats apart by header and keys', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const cases: [string, string, string | undefined][] = [
        [
          'a.csv',
          'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,1,2\n',
          'azure-trace',
        ],
        ['b.csv', 'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens\n', 'azure-trace'],
        [
          'c.jsonl',
          '{"timestamp": 0, "input_length": 1, "output_length": 2, "hash_ids": [1]}\n',
          'mooncake-trace',
        ],
        ['d.csv', 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,1,2\n', 'vidur-trace'],
        ['e.csv', 'request_id,t_client_send_ns,prompt_tokens\nx,1,2\n', 'request-trace'],
        ['f.tsv', 'ttft_ms\te2e_ms\tmodel\n1\t2\tm\n', 'request-trace'],
        [
          'g.jsonl',
          '{"request_id": "a", "t_client_send_iso": "2025-01-01T00:00:00Z", "output_tokens": 3}\n',
          'request-trace',
        ],
        ['h.csv', 'name,age\nx,1\n', undefined],
        ['i.csv', 'model,pool\nx,y\n', undefined],
        ['j.jsonl', '{"a": 1}\n', undefined],
      ];
      for (const [name, text, want] of cases) {
        const path = join(dir, name);
        writeFileSync(path, text);
        expect(sniff(await readProbe(path)).format?.name, name).toBe(want);
      }
    } finally {
      cleanup();
    }
  });
});
