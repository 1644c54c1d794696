import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attendedKeys } from './attention-ops.js';
import { findHardware, loadHardwareCatalog } from './hardware.js';
import type { ModelSpec } from './model-config.js';
import { loadModelCatalog } from './models.js';
import { expectedDistinctExperts } from './mlp-ops.js';
import { bytesPerElement, gemmComputeDtype } from './numerics.js';
import { phaseSteps, stepOps, type Phase } from './operators.js';
import { NO_PARALLELISM, type Parallelism } from './parallel.js';
import { roofline } from './roofline.js';

const HW = loadHardwareCatalog();
const H100 = findHardware(HW, 'h100-sxm');
const B200 = findHardware(HW, 'b200');
const MODELS = loadModelCatalog();
const model = (name: string): ModelSpec => {
  const m = MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`no model ${name}`);
  return m;
};
const BF16 = { weights: 'bf16', activations: 'bf16', kv: 'bf16' } as const;

function ops(name: string, phase: Phase, par: Partial<Parallelism> = {}) {
  const [step] = phaseSteps(phase);
  return stepOps(
    {
      model: model(name),
      hardware: H100,
      numerics: BF16,
      parallelism: { ...NO_PARALLELISM, ...par },
    },
    step,
  );
}
const sum = (xs: { flops: number; count: number }[]) =>
  xs.reduce((s, o) => s + o.count * o.flops, 0);

describe('attention', () => {
  it('causal prefill counts q(q+1)/2 pairs; a window caps each query at w keys', () => {
    expect(attendedKeys(0, 1024)).toBe((1024 * 1025) / 2);
    expect(attendedKeys(100, 1)).toBe(101);
    expect(attendedKeys(10_000, 1, 4096)).toBe(4096);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 6000 }),
        (past, q, w) => {
          let brute = 0;
          for (let j = past + 1; j <= past + q; j++) brute += Math.min(j, w);
          return attendedKeys(past, q, w) === brute;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sliding-window layers cap the KV read (Mistral 7B, window 4096)', () => {
    const kv = (context: number) =>
      roofline({
        model: model('mistral-7b-v0.1'),
        hardware: H100,
        phase: { kind: 'decode', batch: 2, context },
      }).totals.bytes.kv_read;
    expect(kv(40_000)).toBe(kv(4096));
    expect(kv(2048)).toBeLessThan(kv(4096));
    // Gemma 2: only the sliding half of the layers is capped
    const g = (context: number) =>
      roofline({
        model: model('gemma-2-9b'),
        hardware: H100,
        phase: { kind: 'decode', batch: 1, context },
      })
        .ops.filter((o) => o.cls === 'attention_decode')
        .map((o) => o.bytes.kv_read);
    expect(g(16_384)[1]).toBe(g(4096)[1]);
    expect(g(16_384)[0]).toBe(4 * g(4096)[0]);
  });

  it('chunked prefill: same attention FLOPs as one pass, weights read once per chunk', () => {
    const m = model('llama-3.1-8b');
    const r = (chunk?: number) =>
      roofline({
        model: m,
        hardware: H100,
        phase: { kind: 'prefill', batch: 1, prompt: 8192, chunk },
      });
    const whole = r();
    const chunked = r(2048);
    const attn = (x: typeof whole) => x.ops.find((o) => o.cls === 'attention_prefill')?.flops;
    expect(chunked.steps).toBe(4);
    expect(attn(chunked)).toBe(attn(whole));
    const w = (x: typeof whole) => x.ops.find((o) => o.name === 'qkv_proj')?.bytes.weights ?? 0;
    expect(w(chunked)).toBe(4 * w(whole));
    expect(chunked.totals.bytes.kv_read).toBeGreaterThan(0); // later chunks read the earlier KV
    expect(chunked.outputTokens).toBe(1);
  });

  it('a mixed step has a decode and a prefill attention op', () => {
    const o = ops('qwen3-8b', { kind: 'mixed', batch: 8, context: 1000, chunk: 256 });
    expect(o.filter((x) => x.cls.startsWith('attention')).map((x) => x.cls)).toEqual([
      'attention_decode',
      'attention_prefill',
    ]);
    expect(o.find((x) => x.name === 'lm_head')?.shape).toBe('[8, 4096] × [4096, 151936]');
  });
});

describe('invariants', () => {
  it('decode step bytes ≥ weight bytes; GEMM FLOPs linear in batch', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('llama-3.1-8b', 'qwen3-30b-a3b', 'deepseek-v2-lite', 'gpt-oss-20b'),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 0, max: 32_768 }),
        (name, batch, context) => {
          const r = roofline({
            model: model(name),
            hardware: H100,
            phase: { kind: 'decode', batch, context },
          });
          const gemm = (b: number) =>
            sum(ops(name, { kind: 'decode', batch: b, context }).filter((x) => x.cls === 'gemm'));
          return (
            r.totals.bytes.total >= r.totals.bytes.weights &&
            Math.abs(gemm(2 * batch) / gemm(batch) - 2) < 1e-9
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('TP=2 halves the per-device GEMM FLOPs and adds two all-reduces per layer', () => {
    const phase: Phase = { kind: 'prefill', batch: 2, prompt: 512 };
    const one = ops('llama-3.1-8b', phase);
    const two = ops('llama-3.1-8b', phase, { tp: 2 });
    const g = (o: typeof one) => sum(o.filter((x) => x.cls === 'gemm' && x.name !== 'lm_head'));
    expect(g(two)).toBe(g(one) / 2);
    const ar = two.filter((x) => x.comm?.collective === 'all_reduce');
    expect(ar.map((x) => x.count)).toEqual([32, 32]);
    expect(ar[0].comm?.bytesPerDevice).toBe(1024 * 4096 * 2); // 2(n−1)/n · S with n = 2
    const sp = ops('llama-3.1-8b', phase, { tp: 4, sequenceParallel: true });
    expect(sp.filter((x) => x.cls === 'comm').map((x) => x.comm?.collective)).toEqual([
      'reduce_scatter',
      'all_gather',
      'reduce_scatter',
      'all_gather',
    ]);
  });

  it('TP activations: column-parallel reads the whole input, row-parallel writes a whole partial sum', () => {
    const phase: Phase = { kind: 'decode', batch: 16, context: 64 };
    const two = ops('llama-3.1-8b', phase, { tp: 2 });
    const o = two.find((x) => x.name === 'o_proj');
    expect(o?.bytes.activations).toBe(16 * (4096 / 2 + 4096) * 2);
    const qkv = two.find((x) => x.name === 'qkv_proj');
    expect(qkv?.bytes.activations).toBe(16 * (4096 + 6144 / 2) * 2);
  });

  it('PP: one send per stage boundary, per-device work = totals / pp', () => {
    const r = roofline({
      model: model('llama-3.1-70b'),
      hardware: H100,
      phase: { kind: 'decode', batch: 8, context: 512 },
      parallelism: { tp: 2, pp: 4 },
    });
    expect(r.devices).toBe(8);
    expect(r.ops.find((o) => o.name === 'pp send')?.count).toBe(3);
    expect(r.perDevice.flops).toBe(r.totals.flops / 4);
  });

  it('MoE: expected distinct experts grow to E, bounded by min(E, T·k); weights follow them', () => {
    expect(expectedDistinctExperts(128, 8, 1)).toBeCloseTo(8, 9);
    expect(expectedDistinctExperts(128, 8, 10_000)).toBeCloseTo(128, 6);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 256 }), fc.integer({ min: 1, max: 4096 }), (E, T) => {
        const k = Math.max(1, Math.floor(E / 8));
        const d = expectedDistinctExperts(E, k, T);
        return d <= Math.min(E, T * k) + 1e-9 && expectedDistinctExperts(E, k, T + 1) >= d;
      }),
    );
    const w = (batch: number) =>
      ops('qwen3-30b-a3b', { kind: 'decode', batch, context: 100 }).find(
        (o) => o.name === 'experts',
      );
    expect(w(256)?.bytes.weights ?? 0).toBeGreaterThan(10 * (w(1)?.bytes.weights ?? 0));
    expect((w(256)?.flops ?? 0) / (w(1)?.flops ?? 1)).toBeCloseTo(256, 9);
  });

  it('EP: experts split over the devices, all-to-all replaces the MoE all-reduce', () => {
    const phase: Phase = { kind: 'decode', batch: 64, context: 1024 };
    const ep = ops('qwen3-30b-a3b', phase, { tp: 4, ep: 4 });
    expect(ep.filter((x) => x.cls === 'comm').map((x) => x.name)).toEqual([
      'attention all_reduce',
      'moe dispatch',
      'moe combine',
      'moe all_gather',
    ]);
    const tp = ops('qwen3-30b-a3b', phase, { tp: 4 });
    const e = (o: typeof ep) => o.find((x) => x.name === 'experts');
    expect(e(ep)?.flops).toBe(e(tp)?.flops);
  });
});

describe('numerics', () => {
  it('4-bit formats carry their group scales; the group size is a parameter', () => {
    expect(bytesPerElement('fp4')).toBe(9 / 16);
    expect(bytesPerElement('int4')).toBe(0.5 + 2 / 128);
    expect(bytesPerElement('int4', { int4: { groupSize: 32, scaleBytes: 2 } })).toBe(0.5625);
    expect(bytesPerElement('fp8')).toBe(1);
  });

  it('fp4 expert weights move 9/16 byte per parameter (gpt-oss, every expert hit)', () => {
    const r = roofline({
      model: model('gpt-oss-20b'),
      hardware: B200,
      phase: { kind: 'prefill', batch: 1, prompt: 4096 },
      numerics: { weights: 'fp4' },
    });
    const m = model('gpt-oss-20b');
    const moe = m.moe;
    if (!moe) throw new Error('gpt-oss is MoE');
    const perExpert = 3 * m.hidden * moe.expertIntermediate + 2 * moe.expertIntermediate + m.hidden;
    const experts = r.ops.find((o) => o.name === 'experts');
    expect(
      (experts?.bytes.weights ?? 0) / (m.layers * moe.experts * perExpert * 0.5625),
    ).toBeCloseTo(1, 6);
  });

  it('GEMM peak rule: the wider format, falling back when the device lacks it', () => {
    expect(gemmComputeDtype('fp8', 'bf16', H100)).toBe('bf16');
    expect(gemmComputeDtype('int4', 'bf16', H100)).toBe('bf16');
    expect(gemmComputeDtype('int4', 'fp8', H100)).toBe('fp8');
    expect(gemmComputeDtype('int8', 'int8', H100)).toBe('int8');
    expect(gemmComputeDtype('fp4', 'fp4', B200)).toBe('fp4');
    expect(gemmComputeDtype('fp4', 'fp4', H100)).toBe('fp8');
    expect(gemmComputeDtype('fp8', 'int8', H100)).toBe('bf16');
  });
});
