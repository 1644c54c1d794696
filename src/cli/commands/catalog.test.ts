import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT, tempDir } from '../../../test/helpers.js';

describe('inferscope hardware', () => {
  it('prints the catalog as a table with the conventions', async () => {
    const r = await cli(['hardware']);
    expect(r.code).toBe(0);
    const h100 = r.stdout.split('\n').find((l) => l.startsWith('h100-sxm '));
    expect(h100).toMatch(/989\.5\s+1,979\s+—\s+80\s+3\.35\s+450 nvlink\s+700\s+3\.00$/);
    expect(r.stdout).toContain('mi355x');
    expect(r.stdout).toContain('tpu-v6e');
    expect(r.stdout).toContain('dense');
  });

  it('prints JSON with sources, and applies --price', async () => {
    const r = await cli(['hardware', '--json', '--price', 'h100-sxm=2.1']);
    expect(r.code).toBe(0);
    const cat = JSON.parse(r.stdout) as {
      id: string;
      price_usd_per_h: { value: number; source: string };
      compute: { bf16_dense_flops: { source: string } };
    }[];
    expect(cat).toHaveLength(17);
    const h100 = cat.find((h) => h.id === 'h100-sxm');
    expect(h100?.price_usd_per_h).toEqual({ value: 2.1, source: 'user override' });
    for (const h of cat) expect(h.compute.bf16_dense_flops.source.length).toBeGreaterThan(3);
  });

  it('rejects a malformed --price with a usage error', async () => {
    const r = await cli(['hardware', '--price', 'h100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('USAGE');
  });
});

describe('inferscope models', () => {
  it('lists the catalog', async () => {
    const r = await cli(['models']);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('llama-3.1-8b '));
    expect(line).toMatch(/8\.03B\s+7\.505B\s+32\s+GQA 8\/32×128\s+dense\s+131,072$/);
    expect(r.stdout).toMatch(/deepseek-v3 .*671B .*MLA/);
  });

  it('shows one config.json, and its JSON', async () => {
    const file = join(REPO_ROOT, 'data/models/gpt-oss-120b.json');
    const r = await cli(['models', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('116.8B total, 5.133B active');
    expect(r.stdout).toContain('SWA 128 on 18/36 layers, sinks');
    expect(r.stdout).toMatch(/KV bytes\/token \(bf16\)\s+73,728/);
    const j = await cli(['models', '--config', file, '--json']);
    const one = JSON.parse(j.stdout) as { params: { total: number }; kvBytesPerTokenBf16: number };
    expect(one.kvBytesPerTokenBf16).toBe(36 * 2 * 8 * 64 * 2);
    expect(one.params.total).toBeGreaterThan(116e9);
  });

  it('fails with an input error naming model_type for an unsupported config', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ model_type: 'rwkv', hidden_size: 1 }));
      const r = await cli(['models', '--config', file]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('model_type');
      const missing = await cli(['models', '--config', join(dir, 'nope.json')]);
      expect(missing.code).toBe(3);
    } finally {
      cleanup();
    }
  });
});
