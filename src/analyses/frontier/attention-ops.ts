/**
 * @module Attention operators of one step: projections, rope, and the attention core (causal
 * prefill, decode, sliding windows, MLA naive prefill / absorbed decode), per device under TP.
 */

import { elementwise, gemm, zeroBytes, type Op, type OpClass, type OpContext } from './ops.js';

/**
 * Keys attended by `q` new causal queries after `past` cached tokens with a window of `w`:
 * Σ_{j=past+1}^{past+q} min(j, w). Without a window this is q·past + q(q+1)/2 (the causal half).
 */
export function attendedKeys(past: number, q: number, w = Infinity): number {
  const end = past + q;
  if (w >= end) return q * past + (q * (q + 1)) / 2;
  if (w <= past + 1) return q * w;
  return (w * (w + 1)) / 2 - (past * (past + 1)) / 2 + (end - w) * w;
}

interface CoreAcc {
  flops: number;
  kvRead: number;
  kvWrite: number;
  act: number;
  tokens: number;
}

/** The attention core of one layer kind (full or sliding), one op per form used in the step. */
function attentionCore(ctx: OpContext, label: string, count: number, window: number): Op[] {
  const { m, tp, ba, bkv } = ctx;
  const a = m.attention;
  const hD = a.heads / tp;
  const acc = new Map<OpClass, CoreAcc>();
  for (const g of ctx.step.groups) {
    const decode = g.newTokens === 1;
    const cls: OpClass = decode ? 'attention_decode' : 'attention_prefill';
    const keys = g.count * attendedKeys(g.past, g.newTokens, window);
    const cached = g.count * Math.min(g.past, window);
    const T = g.count * g.newTokens;
    let flops: number;
    let kvElems: number;
    let act: number;
    if (a.mla) {
      const { kvLoraRank: c, qkRopeHeadDim: r, qkNopeHeadDim: n, vHeadDim: v } = a.mla;
      kvElems = c + r; // the latent is shared by all heads: every TP rank reads all of it
      // absorbed decode: scores over latent+rope, values over the latent; naive prefill: per head
      flops = decode ? keys * 2 * hD * (2 * c + r) : keys * 2 * hD * (n + r + v);
      act = decode ? T * hD * (2 * c + r) * ba : T * hD * (n + r + v) * ba;
    } else {
      const kvD = Math.max(1, a.kvHeads / tp); // KV heads are replicated when fewer than tp
      kvElems = 2 * kvD * a.headDim;
      flops = keys * 4 * hD * a.headDim;
      act = T * (2 * hD + 2 * kvD) * a.headDim * ba;
    }
    const cur = acc.get(cls) ?? { flops: 0, kvRead: 0, kvWrite: 0, act: 0, tokens: 0 };
    cur.flops += flops;
    cur.kvRead += cached * kvElems * bkv;
    cur.kvWrite += T * kvElems * bkv;
    cur.act += act;
    cur.tokens += T;
    acc.set(cls, cur);
  }
  return [...acc.entries()].map(([cls, c]) => ({
    name: `attention${label}${cls === 'attention_decode' ? ' decode' : ' prefill'}`,
    cls,
    count,
    shape: `T=${c.tokens}, heads ${hD}${Number.isFinite(window) ? `, window ${window}` : ''}`,
    flops: c.flops,
    bytes: { ...zeroBytes(), activations: c.act, kv_read: c.kvRead, kv_write: c.kvWrite },
    computeDtype: ctx.attnDtype,
  }));
}

/** Projections, rope and attention core for every layer of the model in this step. */
export function attentionOps(ctx: OpContext): Op[] {
  const { m, tokens: T } = ctx;
  const a = m.attention;
  const L = m.layers;
  const H = m.hidden;
  const ops: Op[] = [];
  if (a.mla) {
    const { qLoraRank, kvLoraRank: c, qkRopeHeadDim: r, qkNopeHeadDim: n, vHeadDim: v } = a.mla;
    if (qLoraRank) {
      ops.push(gemm(ctx, { name: 'q_a_proj', count: L, tokens: T, k: H, n: qLoraRank, shard: 1 }));
      ops.push(
        gemm(ctx, { name: 'q_b_proj', count: L, tokens: T, k: qLoraRank, n: a.heads * (n + r) }),
      );
    } else {
      ops.push(gemm(ctx, { name: 'q_proj', count: L, tokens: T, k: H, n: a.heads * (n + r) }));
    }
    ops.push(gemm(ctx, { name: 'kv_a_proj', count: L, tokens: T, k: H, n: c + r, shard: 1 }));
    const groups = ctx.step.groups;
    const prefillLatents = groups
      .filter((g) => g.newTokens > 1)
      .reduce((s, g) => s + g.count * (g.past + g.newTokens), 0);
    const decodeT = groups.filter((g) => g.newTokens === 1).reduce((s, g) => s + g.count, 0);
    if (prefillLatents > 0) {
      // naive prefill: up-project every attended latent (cached and new) to per-head K_nope and V
      ops.push(
        gemm(ctx, {
          name: 'kv_b_proj',
          count: L,
          tokens: prefillLatents,
          k: c,
          n: a.heads * (n + v),
        }),
      );
    }
    if (decodeT > 0) {
      // absorbed decode: W_UK folds into the query, W_UV into the output (slices of kv_b_proj)
      ops.push(
        gemm(ctx, {
          name: 'q_absorb',
          count: L,
          tokens: decodeT,
          k: n,
          n: c,
          batch: a.heads,
          split: 'batch',
        }),
      );
      ops.push(
        gemm(ctx, {
          name: 'v_absorb',
          count: L,
          tokens: decodeT,
          k: c,
          n: v,
          batch: a.heads,
          split: 'batch',
        }),
      );
    }
    ops.push(
      elementwise(ctx, {
        name: 'rope',
        cls: 'elementwise',
        count: L,
        elements: (T * (a.heads / ctx.tp + 1) * r) | 0,
        reads: 1,
        flopsPerElement: 3,
        shape: `[${T}, ${a.heads / ctx.tp}+1, ${r}]`,
      }),
    );
  } else {
    const qkv = (a.heads + 2 * a.kvHeads) * a.headDim;
    ops.push(gemm(ctx, { name: 'qkv_proj', count: L, tokens: T, k: H, n: qkv }));
    const kvD = Math.max(1, a.kvHeads / ctx.tp);
    const ropeElems = T * (a.heads / ctx.tp + kvD) * a.headDim;
    if (a.qkNorm) {
      ops.push(
        elementwise(ctx, {
          name: 'qk_norm',
          cls: 'norm',
          count: L,
          elements: ropeElems,
          reads: 1,
          flopsPerElement: 4,
          weightElements: 2 * a.headDim,
          shape: `[${T}, ${a.heads / ctx.tp}+${kvD}, ${a.headDim}]`,
        }),
      );
    }
    ops.push(
      elementwise(ctx, {
        name: 'rope',
        cls: 'elementwise',
        count: L,
        elements: ropeElems,
        reads: 1,
        flopsPerElement: 3,
        shape: `[${T}, ${a.heads / ctx.tp}+${kvD}, ${a.headDim}]`,
      }),
    );
  }
  const sliding = a.slidingLayers.length;
  if (L - sliding > 0)
    ops.push(...attentionCore(ctx, sliding ? ' (full)' : '', L - sliding, Infinity));
  if (sliding > 0) {
    ops.push(...attentionCore(ctx, ' (sliding)', sliding, a.slidingWindow ?? Infinity));
  }
  const oIn = a.mla ? a.heads * a.mla.vHeadDim : a.heads * a.headDim;
  ops.push(gemm(ctx, { name: 'o_proj', count: L, tokens: T, k: oIn, n: H, split: 'k' }));
  return ops;
}
