/**
 * @module The operator record of the roofline model and the shared context its builders read: one
 * step of work (sequence groups), the model, number formats and sharding degrees.
 */

import type { Dtype } from './hardware.js';
import type { ModelSpec } from './model-config.js';
import type { Numerics } from './numerics.js';

export const OP_CLASSES = [
  'gemm',
  'attention_prefill',
  'attention_decode',
  'norm',
  'elementwise',
  'moe_gemm',
  'embedding',
  'comm',
] as const;
export type OpClass = (typeof OP_CLASSES)[number];

/** Bytes moved to or from HBM, by tensor class. */
export interface TensorBytes {
  weights: number;
  activations: number;
  kv_read: number;
  kv_write: number;
}

export type Collective = 'all_reduce' | 'reduce_scatter' | 'all_gather' | 'all_to_all' | 'p2p';

export interface CommSpec {
  collective: Collective;
  /** Devices taking part. */
  devices: number;
  /** The logical tensor being reduced / gathered / exchanged, bytes. */
  payloadBytes: number;
  /** Bytes each device sends over the link (e.g. 2(n−1)/n · payload for a ring all-reduce). */
  bytesPerDevice: number;
  /** Link hops paid in series (e.g. 2(n−1) for a ring all-reduce). */
  hops: number;
}

/**
 * One operator, with the work of ONE instance on ONE device (after sharding); `count` instances
 * run one after another per step (usually once per layer of that kind).
 */
export interface Op {
  name: string;
  cls: OpClass;
  count: number;
  /** Human-readable shape, e.g. "[T=1024, 4096] × [4096, 6144]". */
  shape: string;
  flops: number;
  bytes: TensorBytes;
  /** The dense peak the maths runs at. */
  computeDtype: Dtype;
  comm?: CommSpec;
}

/** `count` sequences each adding `newTokens` tokens after `past` cached ones in this step. */
export interface SeqGroup {
  count: number;
  newTokens: number;
  past: number;
  /** True when this step ends the sequence's prompt (or decodes), so a token is sampled. */
  emits: boolean;
}

export interface Step {
  groups: SeqGroup[];
}

export interface OpContext {
  m: ModelSpec;
  numerics: Numerics;
  /** Bytes per element of weights, activations and KV cache. */
  bw: number;
  ba: number;
  bkv: number;
  gemmDtype: Dtype;
  attnDtype: Dtype;
  tp: number;
  ep: number;
  dp: number;
  step: Step;
  /** Tokens processed by one replica in this step. */
  tokens: number;
}

export const stepTokens = (s: Step): number =>
  s.groups.reduce((n, g) => n + g.count * g.newTokens, 0);

export const stepOutputs = (s: Step): number =>
  s.groups.reduce((n, g) => n + (g.emits ? g.count : 0), 0);

export const zeroBytes = (): TensorBytes => ({
  weights: 0,
  activations: 0,
  kv_read: 0,
  kv_write: 0,
});

export const totalBytes = (b: TensorBytes): number =>
  b.weights + b.activations + b.kv_read + b.kv_write;

/**
 * A GEMM of `tokens` rows through a `k × n` weight (`batch` such weights side by side, e.g. one per
 * head), sharded `shard` ways (default tp). FLOPs 2·batch·tokens·k·n. Bytes per device: weights
 * split evenly; `split` says which activation is split: 'n' (column-parallel, default) reads the
 * whole input [T, k] and writes its share of [T, n]; 'k' (row-parallel: o_proj, down_proj) reads
 * its share of the input and writes a whole partial [T, n]; 'batch' splits both (per-head GEMMs).
 */
export function gemm(
  ctx: OpContext,
  o: {
    name: string;
    count: number;
    tokens: number;
    k: number;
    n: number;
    batch?: number;
    shard?: number;
    split?: 'n' | 'k' | 'batch';
  },
  cls: OpClass = 'gemm',
  weightBytes = ctx.bw,
): Op {
  const s = o.shard ?? ctx.tp;
  const b = o.batch ?? 1;
  const split = o.split ?? 'n';
  const input = (o.tokens * o.k * b) / (split === 'n' ? 1 : s);
  const output = (o.tokens * o.n * b) / (split === 'k' ? 1 : s);
  return {
    name: o.name,
    cls,
    count: o.count,
    shape: `${b > 1 ? `${b} × ` : ''}[${o.tokens}, ${o.k}] × [${o.k}, ${o.n}]${s > 1 ? ` / ${s}` : ''}`,
    flops: (2 * b * o.tokens * o.k * o.n) / s,
    bytes: {
      weights: (b * o.k * o.n * weightBytes) / s,
      activations: (input + output) * ctx.ba,
      kv_read: 0,
      kv_write: 0,
    },
    computeDtype: ctx.gemmDtype,
  };
}

/**
 * An elementwise or norm op over `elements` values: reads `reads` tensors and writes one, plus
 * `weightElements` of parameters; `flopsPerElement` as stated by the caller. Runs at bf16 peak.
 */
export function elementwise(
  ctx: OpContext,
  o: {
    name: string;
    cls: OpClass;
    count: number;
    elements: number;
    reads: number;
    flopsPerElement: number;
    weightElements?: number;
    shape: string;
  },
): Op {
  return {
    name: o.name,
    cls: o.cls,
    count: o.count,
    shape: o.shape,
    flops: o.elements * o.flopsPerElement,
    bytes: {
      weights: (o.weightElements ?? 0) * 2,
      activations: o.elements * (o.reads + 1) * ctx.ba,
      kv_read: 0,
      kv_write: 0,
    },
    computeDtype: 'bf16',
  };
}
