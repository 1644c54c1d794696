import { describe, expect, it } from 'vitest';
import { findHardware, loadHardwareCatalog } from './hardware.js';
import type { ModelSpec } from './model-config.js';
import { loadModelCatalog } from './models.js';
import type { Numerics } from './numerics.js';
import type { Phase } from './operators.js';
import type { Parallelism } from './parallel.js';
import { roofline, type RooflineResult } from './roofline.js';

// Reference numbers from /work/shared/research/roofline.md (§ cited in each test name). Its
// "first-principles" column uses the same conventions as this model except that it ignores norms,
// rope, residual adds and activations (memory-bound elementwise ops), which we count unfused.

const HW = loadHardwareCatalog();
const MODELS = loadModelCatalog();
const model = (name: string): ModelSpec => {
  const m = MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`no model ${name}`);
  return m;
};

function run(
  name: string,
  hw: string,
  phase: Phase,
  parallelism: Partial<Parallelism> = {},
  numerics: Partial<Numerics> = {},
): RooflineResult {
  return roofline({
    model: model(name),
    hardware: findHardware(HW, hw),
    phase,
    parallelism,
    numerics,
  });
}

const ms = (s: number) => s * 1e3;
const nonComm = (r: RooflineResult) => r.totals.seconds - r.totals.byBound.comm;
/** GEMM + attention time only: what the §6.1 first-principles column counts. */
const gemmAndAttention = (r: RooflineResult) =>
  r.totals.byClass.gemm + r.totals.byClass.attention_prefill + r.totals.byClass.attention_decode;

describe('roofline.md §6.1 cross-tool table, Llama-2-7B TP=1 (first-principles column)', () => {
  const decode = [
    ['a100-sxm-80gb', 1, 6.75],
    ['a100-sxm-80gb', 16, 10.7],
    ['a100-sxm-80gb', 64, 23.5],
    ['h100-sxm', 1, 4.11],
    ['h100-sxm', 16, 6.53],
    ['h100-sxm', 64, 14.3],
  ] as const;
  it.each(decode)('decode on %s batch %i at KV 1024 ≈ %f ms (±1.5%%)', (hw, batch, ref) => {
    const r = run('llama-2-7b', hw, { kind: 'decode', batch, context: 1024 });
    expect(Math.abs(ms(r.totals.seconds) / ref - 1)).toBeLessThan(0.015);
    expect(r.totals.byBound.compute).toBe(0); // every op memory-bound at these batches
  });

  it('decode bs=1 work: 13.75 GFLOP, 13.76 GB, weights 13.21 GB, KV 0.537 GB', () => {
    const r = run('llama-2-7b', 'h100-sxm', { kind: 'decode', batch: 1, context: 1024 });
    expect(r.totals.flops / 13.75e9).toBeCloseTo(1, 2);
    expect(r.totals.bytes.total / 13.76e9).toBeCloseTo(1, 2);
    expect(r.totals.bytes.weights / 13.21e9).toBeCloseTo(1, 2);
    expect(r.totals.bytes.kv_read / 0.537e9).toBeCloseTo(1, 2);
  });

  const prefill = [
    ['a100-sxm-80gb', 1, 43.5],
    ['a100-sxm-80gb', 64, 2777],
    ['h100-sxm', 1, 13.8],
    ['h100-sxm', 16, 220],
  ] as const;
  it.each(prefill)('prefill on %s batch %i × 1024: GEMM+attention ≈ %f ms (±3%%)', (hw, b, ref) => {
    const r = run('llama-2-7b', hw, { kind: 'prefill', batch: b, prompt: 1024 });
    expect(Math.abs(ms(gemmAndAttention(r)) / ref - 1)).toBeLessThan(0.03);
    // the unfused elementwise ops only add time
    expect(r.totals.seconds).toBeGreaterThan(gemmAndAttention(r));
  });

  it('prefill bs=1 FLOPs = 13.54 T (causal attention, lm_head on the last token)', () => {
    const r = run('llama-2-7b', 'h100-sxm', { kind: 'prefill', batch: 1, prompt: 1024 });
    expect(r.totals.flops / 13.54e12).toBeCloseTo(1, 3);
    const lm = r.ops.find((o) => o.name === 'lm_head');
    expect(lm?.flops).toBe(2 * 4096 * 32000);
    const attn = r.ops.find((o) => o.cls === 'attention_prefill');
    expect(attn?.flops).toBe(32 * 4 * 32 * 128 * ((1024 * 1025) / 2));
  });
});

describe('roofline.md §6.1 Llama-2-70B on H100 SXM (compute + all-reduce)', () => {
  it.each([
    [1, 1, 41.1],
    [2, 1, 20.6],
    [4, 1, 10.3],
    [8, 1, 5.15],
    [1, 64, 47.9],
    [2, 64, 24.4],
  ] as const)('decode TP=%i batch %i: non-comm part ≈ %f ms (±2%%)', (tp, batch, ref) => {
    const r = run('llama-2-70b', 'h100-sxm', { kind: 'decode', batch, context: 1024 }, { tp });
    expect(Math.abs(ms(nonComm(r)) / ref - 1)).toBeLessThan(0.02);
  });

  it.each([
    [2, 6.0],
    [8, 10.4],
  ] as const)('prefill TP=%i: ring all-reduce bandwidth term ≈ %f ms', (tp, ref) => {
    const r = run('llama-2-70b', 'h100-sxm', { kind: 'prefill', batch: 1, prompt: 1024 }, { tp });
    // 2 all-reduces per layer × 80 layers of [1024, 8192] bf16 at 450 GB/s
    expect(ms(r.totals.commBytes / 450e9)).toBeCloseTo(ref, 1);
    const ar = r.ops.filter((o) => o.cls === 'comm');
    expect(ar.map((o) => o.count)).toEqual([80, 80]);
    // the latency term is the measured 2.6 µs floor, once per all-reduce
    const latency = r.totals.byBound.comm - r.totals.commBytes / 450e9;
    expect(latency).toBeCloseTo(160 * 2.6e-6, 9);
  });

  it('prefill TP=2: GEMM+attention ≈ 71.6 ms', () => {
    const r = run(
      'llama-2-70b',
      'h100-sxm',
      { kind: 'prefill', batch: 1, prompt: 1024 },
      { tp: 2 },
    );
    expect(Math.abs(ms(gemmAndAttention(r)) / 71.6 - 1)).toBeLessThan(0.03);
  });
});

describe('roofline.md §6.6 decode roofline of Llama-3.1-70B serving (weights fp8, KV fp8, KV 1536)', () => {
  it.each([
    ['h200', 1, 4, 'fp8', 14.9, 20.1],
    ['h200', 8, 4, 'fp8', 1.86, 6.26],
    ['b200', 1, 4, 'fp4', 5.4, 12.1],
    ['b200', 8, 4, 'fp4', 0.68, 5.87],
  ] as const)(
    '%s TP=%i B=%i %s: within 6%% of the note (%f ms; B200 bandwidth differs 4%%) and below measured %f ms',
    (hw, tp, batch, weights, ref, measured) => {
      const r = run(
        'llama-3.1-70b',
        hw,
        { kind: 'decode', batch, context: 1536 },
        { tp },
        { weights, kv: 'fp8' },
      );
      expect(Math.abs(ms(nonComm(r)) / ref - 1)).toBeLessThan(0.06);
      expect(ms(nonComm(r))).toBeLessThan(measured);
    },
  );
});

describe('MLA, MoE and numerics', () => {
  it('DeepSeek-V3 absorbed decode: 576 latent elements per token per layer, 2·n·1088 FLOPs per key (§2.4 AIC)', () => {
    const r = run('deepseek-v3', 'h200', { kind: 'decode', batch: 8, context: 4095 }, { tp: 8 });
    const attn = r.ops.find((o) => o.cls === 'attention_decode');
    expect(attn?.bytes.kv_read).toBe(61 * 8 * 4095 * 576 * 2);
    expect(attn?.flops).toBe(61 * 8 * 4096 * 2 * (128 / 8) * 1088);
    expect(r.conventions.some((c) => c.includes('absorbed'))).toBe(true);
  });

  it('fp8 weights with bf16 activations run at the bf16 peak; w8a8 at fp8', () => {
    const phase: Phase = { kind: 'prefill', batch: 1, prompt: 4096 };
    const wo = run('llama-3.1-8b', 'h100-sxm', phase, {}, { weights: 'fp8' });
    const w8a8 = run('llama-3.1-8b', 'h100-sxm', phase, {}, { weights: 'fp8', activations: 'fp8' });
    expect(wo.peaks.gemm).toBe('bf16');
    expect(w8a8.peaks.gemm).toBe('fp8');
    expect(w8a8.totals.seconds).toBeLessThan(wo.totals.seconds);
  });

  it('every result carries its conventions', () => {
    const r = run('gpt-oss-120b', 'b200', { kind: 'mixed', batch: 16, context: 2048, chunk: 512 });
    for (const key of [
      'causal',
      'lm_head',
      'gather',
      'decimal',
      'dense',
      'E·(1−(1−k/E)^T)',
      'sinks',
    ]) {
      expect(r.conventions.join('\n')).toContain(key);
    }
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('--ep on a dense model and a zero batch are usage errors', () => {
    const dense = () =>
      run('llama-3.1-8b', 'h100-sxm', { kind: 'decode', batch: 1, context: 8 }, { ep: 2 });
    expect(dense).toThrow(/needs a MoE model/);
    expect(() => run('llama-3.1-8b', 'h100-sxm', { kind: 'decode', batch: 0, context: 8 })).toThrow(
      /--batch/,
    );
    const noFp4 = run(
      'llama-3.1-8b',
      'h100-sxm',
      { kind: 'decode', batch: 1, context: 8 },
      {},
      { weights: 'fp4', activations: 'fp4' },
    );
    expect(noFp4.peaks.gemm).toBe('fp8'); // H100 has no fp4 peak: falls back
  });
});
