/**
 * @module Speed-of-light (SOL) time of a phase: per operator max(FLOPs / dense peak, bytes / HBM
 * bandwidth) plus collective time, summed over operators and steps, with breakdowns and the
 * conventions that produced them.
 */

import { InferscopeError } from '../../base/errors.js';
import { peakFlops, type Dtype, type HardwareSpec } from './hardware.js';
import type { ModelSpec } from './model-config.js';
import {
  DEFAULT_GROUP_SCALES,
  bytesPerElement,
  type GroupScale,
  type Numerics,
} from './numerics.js';
import { phaseSteps, stepOps, type BuildOptions, type Phase } from './operators.js';
import {
  OP_CLASSES,
  stepOutputs,
  stepTokens,
  totalBytes,
  zeroBytes,
  type OpClass,
  type TensorBytes,
} from './ops.js';
import {
  commSeconds,
  NO_PARALLELISM,
  pickLink,
  validateParallelism,
  type Link,
  type Parallelism,
} from './parallel.js';

export type Bound = 'compute' | 'memory' | 'comm';

/** One operator, totalled over its instances and the phase's steps, per device. */
export interface RooflineOp {
  name: string;
  cls: OpClass;
  /** Instances per step (usually layers). */
  count: number;
  /** Steps in which it ran. */
  steps: number;
  /** Shape in the first step. */
  shape: string;
  computeDtype: Dtype;
  flops: number;
  bytes: TensorBytes;
  /** Link bytes sent per device (collectives). */
  commBytes: number;
  computeS: number;
  memoryS: number;
  commS: number;
  /** SOL time: Σ over instances of max(computeS, memoryS), plus commS. */
  seconds: number;
  bound: Bound;
}

export interface RooflineTotals {
  flops: number;
  bytes: TensorBytes & { total: number };
  commBytes: number;
  seconds: number;
  byClass: Record<OpClass, number>;
  byBound: Record<Bound, number>;
}

export interface RooflineResult {
  model: string;
  hardware: string;
  phase: Phase;
  numerics: Numerics;
  bytesPerElement: { weights: number; activations: number; kv: number };
  parallelism: Parallelism;
  devices: number;
  link: Link | null;
  peaks: { gemm: Dtype; gemmFlops: number; hbmBytesPerS: number };
  steps: number;
  /** Tokens processed by one replica over the phase, and tokens sampled. */
  tokens: number;
  outputTokens: number;
  ops: RooflineOp[];
  /** Per device along the latency path (all pipeline stages summed). */
  totals: RooflineTotals;
  /** One device's share of the work: totals / pp. */
  perDevice: { flops: number; bytes: number };
  conventions: string[];
}

export interface RooflineOptions {
  model: ModelSpec;
  hardware: HardwareSpec;
  phase: Phase;
  numerics?: Partial<Numerics>;
  parallelism?: Partial<Parallelism>;
  groupScales?: Partial<Record<'int4' | 'fp4', GroupScale>>;
  /** Replaces the catalog's per-hop link latency (seconds); 0 gives a bandwidth-only bound. */
  linkLatencyS?: number;
}

function conventions(o: BuildOptions): string[] {
  const s = { ...DEFAULT_GROUP_SCALES, ...o.groupScales };
  const c = [
    'SOL per operator instance = max(FLOPs / dense peak, HBM bytes / HBM bandwidth); collectives add bytes / link bandwidth + the link’s smallest measured collective latency (once per collective), never overlapped',
    'dense (non-sparse) peaks; decimal units (1 GB = 1e9 B, 1 TFLOP/s = 1e12)',
    'GEMM peak = the wider of the weight and activation formats (weight-only quantisation runs at the activation peak); attention at fp8 only with fp8 activations and fp8 KV, else bf16; norms and elementwise at bf16',
    'causal prefill attention: each query attends to the keys before it (q·past + q(q+1)/2 pairs, about half the square); 4·heads·head_dim FLOPs per pair (QKᵀ + PV); softmax FLOPs not counted',
    'KV cache read once per step per layer (flash-style): min(cached tokens, window) per sequence; new tokens written once',
    'sliding-window layers attend to at most their window',
    'embedding is a row gather (T·H bf16 reads), not a GEMM; lm_head (bf16) only on sampled tokens: the last prompt token in prefill, every sequence in decode',
    `4-bit formats include group scales: int4 one ${s.int4.scaleBytes}-byte scale per ${s.int4.groupSize} elements, fp4 one ${s.fp4.scaleBytes}-byte scale per ${s.fp4.groupSize}; fp8/int8 scales ignored`,
    'weights read once per step (chunked prefill re-reads them every chunk); activations read and written once per op (no fusion across ops)',
    'PP: latency = all stages in series + (pp−1) sends; rows sum the stages, per-device work = totals / pp',
  ];
  if (o.model.moe) {
    c.push(
      'MoE: FLOPs use top-k per token; expert weight bytes use the expected distinct experts E·(1−(1−k/E)^T) for the T tokens routed in the step (uniform independent routing)',
    );
    if (o.parallelism.ep > 1) {
      c.push(
        'EP: experts spread over the tp·dp devices of a stage, which route the tokens of all dp replicas; MoE layers use all-to-all dispatch (activation format) + combine (bf16), each TP rank sending 1/tp of the tokens, then an all-gather over tp, instead of the MLP all-reduce',
      );
    }
  }
  if (o.model.attention.mla) {
    c.push(
      'MLA: decode in the absorbed form (scores over the 512+64 latent, W_UK/W_UV folded into q_absorb / v_absorb, 2·heads·(2·kv_lora+rope) FLOPs per key); prefill in the naive form (kv_b_proj up-projects every attended latent); the latent is replicated on every TP rank',
    );
  }
  if (o.model.attention.sinks) c.push('gpt-oss attention sinks: negligible, not counted');
  if (o.parallelism.tp > 1) {
    c.push(
      o.parallelism.sequenceParallel
        ? 'TP with sequence parallelism: reduce-scatter + all-gather ((n−1)/n · S each, n−1 hops each) after attention and MLP'
        : 'TP: ring all-reduce of the bf16 hidden states after attention and after the MLP: 2(n−1)/n · S / bw + latency',
    );
    c.push(
      'link latency: the catalog value is the smallest measured 2-GPU all-reduce, charged once per collective as a floor (measured 8-GPU all-reduce floors are 3–16 µs, research/roofline.md §6.5); --link-latency-us 0 gives a bandwidth-only bound',
    );
    c.push(
      'TP: weights and heads split evenly; KV heads replicated when fewer than tp; norms, router and MLA down-projections replicated',
    );
  }
  return c;
}

/** SOL time of one phase of a model on one device type. */
export function roofline(o: RooflineOptions): RooflineResult {
  const numerics: Numerics = { weights: 'bf16', activations: 'bf16', kv: 'bf16', ...o.numerics };
  const parallelism: Parallelism = { ...NO_PARALLELISM, ...o.parallelism };
  const devices = validateParallelism(parallelism, o.model.moe?.experts ?? null);
  const picked = pickLink(o.hardware);
  const link =
    picked && o.linkLatencyS !== undefined ? { ...picked, latencyS: o.linkLatencyS } : picked;
  if (!link && devices > 1) {
    throw new InferscopeError('USAGE', `${o.hardware.id} has no catalogued device link`, {
      field: 'tp',
      hint: 'use one device, or add an interconnect to the hardware file',
    });
  }
  const build: BuildOptions = {
    model: o.model,
    hardware: o.hardware,
    numerics,
    parallelism,
    groupScales: o.groupScales,
  };
  const hbm = o.hardware.memory.bandwidth_bytes_per_s.value;
  const steps = phaseSteps(o.phase);
  const rows = new Map<string, RooflineOp>();
  let gemmDtype: Dtype = 'bf16';
  for (const step of steps) {
    for (const op of stepOps(build, step)) {
      if (op.cls === 'gemm' && op.name !== 'lm_head') gemmDtype = op.computeDtype;
      const peak =
        peakFlops(o.hardware, op.computeDtype) ?? o.hardware.compute.bf16_dense_flops.value;
      const c1 = op.flops / peak;
      const m1 = totalBytes(op.bytes) / hbm;
      const k1 = op.comm && link ? commSeconds(op.comm, link) : null;
      const comm1 = k1 ? k1.bandwidthS + k1.latencyS : 0;
      const row = rows.get(op.name) ?? {
        name: op.name,
        cls: op.cls,
        count: op.count,
        steps: 0,
        shape: op.shape,
        computeDtype: op.computeDtype,
        flops: 0,
        bytes: zeroBytes(),
        commBytes: 0,
        computeS: 0,
        memoryS: 0,
        commS: 0,
        seconds: 0,
        bound: 'memory' as Bound,
      };
      const n = op.count;
      row.steps += 1;
      row.flops += n * op.flops;
      for (const k of ['weights', 'activations', 'kv_read', 'kv_write'] as const) {
        row.bytes[k] += n * op.bytes[k];
      }
      row.commBytes += n * (op.comm?.bytesPerDevice ?? 0);
      row.computeS += n * c1;
      row.memoryS += n * m1;
      row.commS += n * comm1;
      row.seconds += n * (Math.max(c1, m1) + comm1);
      rows.set(op.name, row);
    }
  }
  const ops = [...rows.values()];
  const byClass = Object.fromEntries(OP_CLASSES.map((c) => [c, 0])) as Record<OpClass, number>;
  const byBound: Record<Bound, number> = { compute: 0, memory: 0, comm: 0 };
  const bytes = { ...zeroBytes(), total: 0 };
  for (const r of ops) {
    r.bound = r.cls === 'comm' ? 'comm' : r.computeS >= r.memoryS ? 'compute' : 'memory';
    byClass[r.cls] += r.seconds;
    byBound[r.bound] += r.seconds;
    for (const k of ['weights', 'activations', 'kv_read', 'kv_write'] as const)
      bytes[k] += r.bytes[k];
  }
  bytes.total = totalBytes(bytes);
  const flops = ops.reduce((s, r) => s + r.flops, 0);
  const seconds = ops.reduce((s, r) => s + r.seconds, 0);
  const s = o.groupScales ?? {};
  return {
    model: o.model.name,
    hardware: o.hardware.id,
    phase: o.phase,
    numerics,
    bytesPerElement: {
      weights: bytesPerElement(numerics.weights, s),
      activations: bytesPerElement(numerics.activations, s),
      kv: bytesPerElement(numerics.kv, s),
    },
    parallelism,
    devices,
    link,
    peaks: {
      gemm: gemmDtype,
      gemmFlops: peakFlops(o.hardware, gemmDtype) ?? o.hardware.compute.bf16_dense_flops.value,
      hbmBytesPerS: hbm,
    },
    steps: steps.length,
    tokens: steps.reduce((n, st) => n + stepTokens(st), 0),
    outputTokens: steps.reduce((n, st) => n + stepOutputs(st), 0),
    ops,
    totals: {
      flops,
      bytes,
      commBytes: ops.reduce((n, r) => n + r.commBytes, 0),
      seconds,
      byClass,
      byBound,
    },
    perDevice: { flops: flops / parallelism.pp, bytes: bytes.total / parallelism.pp },
    conventions: conventions(build),
  };
}
