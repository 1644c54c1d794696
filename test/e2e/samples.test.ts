import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, HAS_SAMPLES, HAS_TRACES, SAMPLES, TRACES, tempDir } from '../helpers.js';

// Which reader each real public file must go to when sniffed (kernel traces are another issue's).
const EXPECTED: [RegExp, string][] = [
  [/^guidellm\//, 'guidellm'],
  [/^inference_perf_kubecon2025\//, 'inference-perf'],
  [/^llmperf\//, 'llmperf'],
  [/^prometheus\//, 'prometheus'],
  [/^sglang_bench_serving\//, 'sglang-bench'],
  [/^otlp_json\/.*_(trace|metrics)\.json$/, 'otlp'],
  [/^azure-llm-2023\//, 'azure-trace'],
  [/^mooncake-fast25\//, 'mooncake-trace'],
  [/^vidur-shipped\//, 'vidur-trace'],
];

interface FileResult {
  path: string;
  status: string;
  format?: string;
  error?: { code: string };
}

async function ingestDir(dir: string): Promise<FileResult[]> {
  const { dir: tmp, cleanup } = tempDir();
  try {
    const r = await cli(['ingest', dir, '--db', join(tmp, 's.duckdb'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { files: FileResult[] }).files;
  } finally {
    cleanup();
  }
}

describe.skipIf(!HAS_SAMPLES)('every real sample file, sniffed', () => {
  it('goes to its reader; only kernel traces and OTLP logs are left unrecognised', async () => {
    const files = await ingestDir(SAMPLES);
    for (const f of files) {
      const rel = relative(SAMPLES, f.path);
      if (rel === 'PROVENANCE.md') continue;
      const expected = EXPECTED.find(([re]) => re.test(rel))?.[1];
      if (expected) {
        expect({ rel, status: f.status, format: f.format }).toEqual({
          rel,
          status: 'ingested',
          format: expected,
        });
      } else {
        expect({ rel, status: f.status }).toEqual({ rel, status: 'unrecognised' });
      }
    }
    expect(files.filter((f) => f.status === 'ingested').length).toBeGreaterThan(100);
  });
});

describe.skipIf(!HAS_TRACES)('every public request trace, sniffed', () => {
  it('goes to its reader', async () => {
    for (const f of await ingestDir(TRACES)) {
      const rel = relative(TRACES, f.path);
      if (rel.endsWith('.md')) continue;
      const expected = EXPECTED.find(([re]) => re.test(rel))?.[1];
      expect({ rel, status: f.status, format: f.format }).toEqual({
        rel,
        status: 'ingested',
        format: expected,
      });
    }
  });
});
