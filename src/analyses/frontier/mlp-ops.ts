/**
 * @module MLP operators of one step: dense gated MLPs, and MoE blocks (router, routed experts with
 * batch-aware expected distinct experts, shared experts), per device under TP / EP.
 */

import { moeLayerParams } from './model-params.js';
import { elementwise, gemm, zeroBytes, type Op, type OpContext } from './ops.js';

/**
 * Expected number of distinct experts selected when `tokens` tokens each pick `k` of `experts`
 * (independent uniform routing): E·(1 − (1 − k/E)^T). 0 tokens → 0; → E as T grows.
 */
export function expectedDistinctExperts(experts: number, k: number, tokens: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - k / experts, tokens));
}

/** A gated MLP (gate+up fused, activation, down) of width `inter`, `count` layers. */
function gatedMlp(ctx: OpContext, prefix: string, count: number, inter: number): Op[] {
  const T = ctx.tokens;
  const H = ctx.m.hidden;
  return [
    gemm(ctx, { name: `${prefix}gate_up_proj`, count, tokens: T, k: H, n: 2 * inter }),
    elementwise(ctx, {
      name: `${prefix}act_mul`,
      cls: 'elementwise',
      count,
      elements: (T * inter) / ctx.tp,
      reads: 2,
      flopsPerElement: 5,
      shape: `[${T}, ${inter}]${ctx.tp > 1 ? ` / ${ctx.tp}` : ''}`,
    }),
    gemm(ctx, { name: `${prefix}down_proj`, count, tokens: T, k: inter, n: H, split: 'k' }),
  ];
}

/** The devices sharing one MoE block: tp·dp with expert parallelism, tp without. */
export function moeGroup(ctx: OpContext): { devices: number; tokens: number } {
  return ctx.ep > 1
    ? { devices: ctx.tp * ctx.dp, tokens: ctx.tokens * ctx.dp }
    : { devices: ctx.tp, tokens: ctx.tokens };
}

/** Routed experts of one MoE layer on one device. */
function routedExperts(ctx: OpContext, count: number): Op {
  const { m, ba, bw } = ctx;
  const moe = m.moe;
  if (!moe) throw new Error('routedExperts without MoE');
  const H = m.hidden;
  const Ie = moe.expertIntermediate;
  const { devices, tokens } = moeGroup(ctx);
  const distinct = expectedDistinctExperts(moe.experts, moe.expertsPerToken, tokens);
  const perExpert = moeLayerParams(m).perExpert;
  const assignments = tokens * moe.expertsPerToken;
  return {
    name: 'experts',
    cls: 'moe_gemm',
    count,
    shape: `${tokens}×top-${moe.expertsPerToken} of ${moe.experts} (≈${distinct.toFixed(1)} distinct), [${H}→${Ie}→${H}] / ${devices}`,
    flops: (2 * assignments * 3 * H * Ie) / devices,
    bytes: {
      ...zeroBytes(),
      weights: (distinct * perExpert * bw) / devices,
      activations: (assignments * (2 * H + 3 * Ie) * ba) / devices,
    },
    computeDtype: ctx.gemmDtype,
  };
}

/** All MLP ops of the step (dense layers, then MoE layers). */
export function mlpOps(ctx: OpContext): Op[] {
  const { m } = ctx;
  const moeCount = m.moe?.moeLayers.length ?? 0;
  const dense = m.layers - moeCount;
  const ops: Op[] = [];
  if (dense > 0) ops.push(...gatedMlp(ctx, '', dense, m.intermediate));
  const moe = m.moe;
  if (moe && moeCount > 0) {
    ops.push(
      gemm(ctx, {
        name: 'router',
        count: moeCount,
        tokens: ctx.tokens,
        k: m.hidden,
        n: moe.experts,
        shard: 1,
      }),
    );
    ops.push(routedExperts(ctx, moeCount));
    if (moe.sharedExperts > 0) {
      ops.push(...gatedMlp(ctx, 'shared_', moeCount, moe.sharedExperts * moe.sharedIntermediate));
    }
  }
  return ops;
}
