import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT } from '../../../test/helpers.js';

describe('inferscope roofline', () => {
  it('prints the op table, totals and conventions (roofline.md §6.1: Llama-2-7B H100 decode bs=1 4.11 ms)', async () => {
    const r = await cli([
      'roofline',
      '--model',
      'llama-2-7b',
      '--hardware',
      'h100',
      '--context',
      '1024',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^qkv_proj\s+gemm\s+32\s/m);
    expect(r.stdout).toMatch(/^lm_head\s+gemm\s+1\s+0\.2621\s+262\.1\s/m);
    expect(r.stdout).toContain('SOL 4.11ms for 1 tokens');
    expect(r.stdout).toContain('conventions:');
    expect(r.stdout).toContain('causal prefill');
  });

  it('prints JSON for a mixed TP/EP step of a config file', async () => {
    const file = join(REPO_ROOT, 'data/models/qwen3-30b-a3b.json');
    const r = await cli([
      'roofline',
      '--config',
      file,
      '--hardware',
      'h200',
      '--phase',
      'mixed',
      '--batch',
      '32',
      '--chunk',
      '256',
      '--tp',
      '2',
      '--ep',
      '2',
      '--weights',
      'fp8',
      '--kv',
      'fp8',
      '--link-latency-us',
      '0',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      tokens: number;
      numerics: { weights: string };
      link: { latencyS: number };
      ops: { name: string; cls: string }[];
      totals: { seconds: number; byBound: { comm: number } };
      conventions: string[];
    };
    expect(j.tokens).toBe(32 + 256);
    expect(j.numerics.weights).toBe('fp8');
    expect(j.link.latencyS).toBe(0);
    expect(j.ops.map((o) => o.name)).toContain('moe dispatch');
    expect(j.totals.byBound.comm).toBeGreaterThan(0);
    expect(j.conventions.some((c) => c.startsWith('EP:'))).toBe(true);
  });

  it('rejects unknown models, formats and phases with usage errors', async () => {
    for (const args of [
      ['--model', 'gpt-9', '--hardware', 'h100'],
      ['--model', 'llama-3.1-8b', '--hardware', 'h100', '--weights', 'fp3'],
      ['--model', 'llama-3.1-8b', '--hardware', 'h100', '--phase', 'train'],
      ['--model', 'llama-3.1-8b'],
      ['--model', 'llama-3.1-8b', '--hardware', 'h100', '--link-latency-us', 'x'],
      ['--model', 'llama-3.1-8b', '--hardware', 'h100', '--batch', '0'],
    ]) {
      const r = await cli(['roofline', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('USAGE');
    }
  });
});
