import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as prettier from 'prettier';
import {
  renderCliReference,
  renderFormatsReference,
  renderSchemaReference,
} from '../../src/cli/reference-docs.js';
import { exampleRun } from '../../src/examples/workload.js';
import { vllmBenchJson } from '../../src/examples/vllm-bench.js';
import { cli, REPO_ROOT, tempDir } from '../helpers.js';

const BIN = join(REPO_ROOT, 'dist/src/cli/main.js');

describe('inferscope CLI (in-process)', () => {
  it('ingests, summarises with an SLO, and answers SQL', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = join(dir, 'x.duckdb');
      const file = join(dir, 'bench.json');
      writeFileSync(file, JSON.stringify(vllmBenchJson(exampleRun({ seed: 5, requests: 30 }))));
      const ing = await cli(['ingest', file, '--db', db, '--label', 'pool=p1']);
      expect(ing.code).toBe(0);
      expect(ing.stdout).toContain('vllm-bench');
      const again = await cli(['ingest', file, '--db', db]);
      expect(again.stdout).toContain('already stored');
      const sum = await cli([
        'summary',
        '--db',
        db,
        '--by',
        'pool',
        '--slo',
        'ttft=200ms,tpot=50ms',
        '--json',
      ]);
      expect(sum.code).toBe(0);
      const json = JSON.parse(sum.stdout) as {
        groups: { key: string; requests: number; goodput: unknown }[];
      };
      expect(json.groups[0]).toMatchObject({ key: 'p1', requests: 30 });
      expect(json.groups[0].goodput).not.toBeNull();
      const sql = await cli(['sql', '--db', db, 'SELECT count(*) AS n FROM requests', '--json']);
      expect(JSON.parse(sql.stdout)).toEqual([{ n: '30' }]);
    } finally {
      cleanup();
    }
  });

  it('maps errors to documented exit codes with the file and a hint', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = join(dir, 'x.duckdb');
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"duration": 1, "completed": 2, "mean_ttft_ms": ');
      const r = await cli(['ingest', bad, '--db', db]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/error\[PARSE_ERROR\]/);
      expect(r.stderr).toContain(bad);
      expect(r.stderr).toContain('hint:');
      expect((await cli(['summary', '--db', db])).code).toBe(5);
      expect((await cli(['summary', '--db', db, '--slo', 'ttft=fast'])).code).toBe(2);
      expect((await cli(['summary', '--db', db, '--by', 'colour'])).code).toBe(2);
      expect((await cli(['sql', '--db', db, 'SELECT * FROM nowhere'])).code).toBe(4);
      expect((await cli(['ingest', '--db', db, '--bogus', bad])).code).toBe(2);
    } finally {
      cleanup();
    }
  });

  it('ingests a directory, skipping files no reader recognises', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = join(dir, 'x.duckdb');
      const data = join(dir, 'data');
      mkdirSync(join(data, 'nested'), { recursive: true });
      writeFileSync(
        join(data, 'nested', 'bench.json'),
        JSON.stringify(vllmBenchJson(exampleRun({ seed: 9, requests: 5 }))),
      );
      writeFileSync(join(data, 'README.txt'), 'notes about the run\n');
      const r = await cli(['ingest', data, '--db', db, '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { files: { path: string; status: string }[] };
      expect(out.files.map((f) => f.status).sort()).toEqual(['ingested', 'unrecognised']);
      // The same junk file named explicitly is an error.
      const explicit = await cli(['ingest', join(data, 'README.txt'), '--db', db]);
      expect(explicit.code).toBe(3);
      expect(explicit.stderr).toContain('UNKNOWN_FORMAT');
    } finally {
      cleanup();
    }
  });

  it('lists formats with how each is recognised', async () => {
    const r = await cli(['formats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vllm-bench');
    expect(r.stdout).toContain('How each is recognised');
  });

  it('prints help with examples and exit codes for every command', async () => {
    for (const c of ['ingest', 'summary', 'sql', 'formats', 'demo']) {
      const r = await cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain('Examples:');
      expect(r.stdout, c).toContain('Exit codes:');
    }
  });
});

describe('generated reference docs', () => {
  it('docs/cli.md, schema.md and formats.md match the code (run `npm run docs` to update)', async () => {
    const fmt = (s: string) =>
      prettier.format(s, { parser: 'markdown', printWidth: 100, singleQuote: true });
    expect(readFileSync(join(REPO_ROOT, 'docs/cli.md'), 'utf8')).toBe(
      await fmt(renderCliReference()),
    );
    expect(readFileSync(join(REPO_ROOT, 'docs/schema.md'), 'utf8')).toBe(
      await fmt(renderSchemaReference()),
    );
    expect(readFileSync(join(REPO_ROOT, 'docs/formats.md'), 'utf8')).toBe(
      await fmt(renderFormatsReference(join(REPO_ROOT, 'docs'))),
    );
  });
});

describe('the built binary', () => {
  it.runIf(existsSync(BIN))('runs the demo end to end and re-runs idempotently', () => {
    const { dir, cleanup } = tempDir();
    try {
      const args = [BIN, 'demo', '--dir', dir, '--db', join(dir, 'demo.duckdb'), '--json'];
      const first = spawnSync(process.execPath, args, { encoding: 'utf8' });
      expect(first.status, first.stderr).toBe(0);
      const result = JSON.parse(first.stdout) as {
        groups: { key: string; basis: string; requests: number }[];
      };
      // Every per-request format sees the same 200 requests of the synthetic run.
      const perRequest = result.groups.filter((g) => g.basis === 'requests');
      expect(perRequest.map((g) => g.key).sort()).toEqual([
        'aiperf',
        'genai-perf',
        'guidellm',
        'inference-perf',
        'llmperf',
        'otlp',
        'sglang-bench',
        'vllm-bench',
      ]);
      for (const g of perRequest) expect(g.requests, g.key).toBe(200);
      expect(
        result.groups.some((g) => g.key === 'prometheus' && g.basis === 'server_histograms'),
      ).toBe(true);
      const second = execFileSync(process.execPath, args, { encoding: 'utf8' });
      expect(second).toBe(first.stdout);
    } finally {
      cleanup();
    }
  });

  it('exists and is executable, so `npx inferscope` runs it (npm run check builds first)', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
    expect(statSync(BIN).mode & 0o111, 'the build must chmod the bin').not.toBe(0);
  });
});
