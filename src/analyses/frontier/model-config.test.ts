import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferscopeError } from '../../base/errors.js';
import { REPO_ROOT, tempDir } from '../../../test/helpers.js';
import { parseModelConfig, type ModelSpec } from './model-config.js';
import {
  kvBytesPerToken,
  kvBytesPerTokenLongContext,
  kvCacheBytes,
  paramCounts,
} from './model-params.js';
import { loadModelCatalog, loadModelConfigFile } from './models.js';

const MODELS = join(REPO_ROOT, 'data/models');
const model = (name: string): ModelSpec => loadModelConfigFile(join(MODELS, `${name}.json`));
const raw = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(MODELS, `${name}.json`), 'utf8'));
const within = (actual: number, expected: number, rel: number) =>
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(rel);

describe('parameter counts against the published figures', () => {
  // [model, total, active or null, relative tolerance]
  const published: [string, number, number | null, number][] = [
    ['llama-3.1-8b', 8.03e9, null, 0.005],
    ['llama-3.1-70b', 70.6e9, null, 0.005],
    ['llama-3.1-405b', 405.9e9, null, 0.005],
    ['llama-3.2-1b', 1.24e9, null, 0.01],
    ['llama-3.2-3b', 3.21e9, null, 0.01],
    ['llama-2-7b', 6.74e9, null, 0.005],
    ['mistral-7b-v0.1', 7.24e9, null, 0.005],
    ['qwen2.5-7b', 7.61e9, null, 0.005],
    ['qwen2.5-72b', 72.7e9, null, 0.005],
    ['qwen3-8b', 8.2e9, null, 0.01],
    ['qwen3-32b', 32.8e9, null, 0.01],
    ['gemma-2-9b', 9.24e9, null, 0.01],
    ['gemma-2-27b', 27.2e9, null, 0.01],
    // Mistral, DeepSeek and OpenAI count active weights without the input embedding gather.
    ['mixtral-8x7b', 46.7e9, 12.9e9, 0.015],
    ['mixtral-8x22b', 141e9, 39e9, 0.015],
    ['deepseek-v3', 671e9, 37e9, 0.015],
    ['deepseek-v2-lite', 15.7e9, 2.4e9, 0.025],
    ['gpt-oss-120b', 116.8e9, 5.13e9, 0.01],
    ['gpt-oss-20b', 20.9e9, 3.61e9, 0.01],
  ];
  it.each(published)('%s: total %d, active %s', (name, total, active, rel) => {
    const p = paramCounts(model(name));
    within(p.total, total, rel);
    if (active) within(p.active, active, rel);
    else if (model(name).tiedEmbeddings) expect(p.active).toBe(p.total);
    else expect(p.active).toBe(p.total - p.embedding);
  });

  it('Qwen MoE: published active counts include the input embedding table', () => {
    const cases: [string, number, number][] = [
      ['qwen3-30b-a3b', 30.5e9, 3.3e9],
      ['qwen3-235b-a22b', 235e9, 22e9],
      ['qwen1.5-moe-a2.7b', 14.3e9, 2.7e9],
    ];
    for (const [name, total, active] of cases) {
      const p = paramCounts(model(name));
      within(p.total, total, 0.01);
      within(p.active + p.embedding, active, 0.02);
    }
  });

  it('counts Llama-3.1-8B exactly from its shapes', () => {
    const H = 4096;
    const layer = H * (4096 + 2 * 1024) + 4096 * H + 3 * H * 14336 + 2 * H;
    expect(paramCounts(model('llama-3.1-8b')).total).toBe(32 * layer + H + 2 * 128256 * H);
  });
});

describe('architecture rules', () => {
  it('DeepSeek-V3: first_k_dense_replace dense layers, MLA latent cache', () => {
    const m = model('deepseek-v3');
    expect(m.attention.kind).toBe('mla');
    expect(m.moe?.moeLayers).toHaveLength(58);
    expect(m.moe?.moeLayers[0]).toBe(3);
    expect(m.moe?.sharedExperts).toBe(1);
    expect(m.mtpLayers).toBe(1);
    // 512 latent + 64 rope elements per token per layer (research/roofline.md §8)
    expect(kvBytesPerToken(m, 2)).toBe(61 * 576 * 2);
  });

  it('Qwen-MoE: decoder_sparse_step and mlp_only_layers choose the MoE layers', () => {
    const base = raw('qwen3-30b-a3b');
    const m = parseModelConfig(
      { ...base, decoder_sparse_step: 2, mlp_only_layers: [1, 5] },
      { file: 'x.json', name: 'x' },
    );
    expect(m.moe?.moeLayers.slice(0, 4)).toEqual([3, 7, 9, 11]);
    expect(m.moe?.moeLayers).toHaveLength(22);
    const shared = model('qwen1.5-moe-a2.7b').moe;
    expect(shared?.sharedExperts).toBe(1);
    expect(shared?.sharedIntermediate).toBe(5632);
  });

  it('gpt-oss alternates sliding and full attention and has sinks', () => {
    const m = model('gpt-oss-120b');
    expect(m.attention.slidingLayers).toEqual(Array.from({ length: 18 }, (_, i) => 2 * i));
    expect(m.attention.slidingWindow).toBe(128);
    expect(m.attention.sinks).toBe(true);
    const perLayer = 2 * 8 * 64 * 2;
    expect(kvBytesPerTokenLongContext(m)).toBe(18 * perLayer);
    expect(kvCacheBytes(m, 10_000)).toBe(perLayer * (18 * 10_000 + 18 * 128));
    expect(kvCacheBytes(m, 100)).toBe(perLayer * 36 * 100);
  });

  it('sliding windows: Mistral on every layer, Gemma 2 on even layers, Qwen only when enabled', () => {
    expect(model('mistral-7b-v0.1').attention.slidingLayers).toHaveLength(32);
    expect(model('mixtral-8x7b').attention.slidingLayers).toEqual([]);
    expect(model('gemma-2-9b').attention.slidingLayers.slice(0, 3)).toEqual([0, 2, 4]);
    expect(model('qwen2.5-7b').attention.slidingLayers).toEqual([]);
    const on = parseModelConfig(
      {
        ...raw('qwen2.5-7b'),
        use_sliding_window: true,
        max_window_layers: 20,
        sliding_window: 4096,
      },
      { file: 'x.json', name: 'x' },
    );
    expect(on.attention.slidingLayers).toEqual([20, 21, 22, 23, 24, 25, 26, 27]);
  });

  it('attention kinds and KV bytes per token at bf16', () => {
    expect(model('llama-2-7b').attention.kind).toBe('mha');
    expect(model('llama-3.1-8b').attention.kind).toBe('gqa');
    expect(kvBytesPerToken(model('llama-3.1-8b'))).toBe(2 * 32 * 8 * 128 * 2);
    expect(kvBytesPerToken(model('llama-3.1-70b'), 1)).toBe(2 * 80 * 8 * 128);
  });

  it('every shipped config names its Hugging Face repo', () => {
    const all = loadModelCatalog();
    expect(all.length).toBeGreaterThanOrEqual(20);
    for (const m of all) expect(m.source, m.name).toMatch(/^[\w.-]+\/[\w.-]+$/);
  });
});

describe('bad configs', () => {
  const ctx = { file: 'cfg.json', name: 'cfg' };
  const fail = (value: unknown): InferscopeError => {
    try {
      parseModelConfig(value, ctx);
    } catch (e) {
      expect(e).toBeInstanceOf(InferscopeError);
      return e as InferscopeError;
    }
    throw new Error('expected an error');
  };

  it('names model_type when it is unknown or missing', () => {
    const e = fail({ ...raw('llama-3.1-8b'), model_type: 'mamba' });
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context.field).toBe('model_type');
    expect(e.message).toContain('mamba');
    expect(e.hint).toContain('deepseek_v3');
    const { model_type: _t, ...rest } = raw('llama-3.1-8b');
    expect(fail(rest).context.field).toBe('model_type');
  });

  it('names a field of the wrong type and a field a model type needs', () => {
    const e = fail({ ...raw('llama-3.1-8b'), hidden_size: '4096' });
    expect(e.context.field).toBe('hidden_size');
    expect(e.context.file).toBe('cfg.json');
    const { num_local_experts: _n, ...mixtral } = raw('mixtral-8x7b');
    expect(fail(mixtral).context.field).toBe('num_local_experts');
    const { kv_lora_rank: _k, ...ds } = raw('deepseek-v3');
    expect(fail(ds).context.field).toBe('kv_lora_rank');
  });

  it('reports a truncated file with its path', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, '{\n  "model_type": "llama",\n  "hidden_size": 40');
      expect(() => loadModelConfigFile(file)).toThrow(InferscopeError);
      writeFileSync(file, JSON.stringify(raw('llama-3.2-1b')));
      expect(loadModelConfigFile(file).name).toBe(dir.split('/').pop());
    } finally {
      cleanup();
    }
  });
});
