/**
 * @module Parameter counts and KV-cache size of a normalised model. Counts weights, biases and
 * norm vectors. "Active" = parameters that multiply each token: the routed experts not selected and
 * the input embedding table (a gather, not a GEMM) are left out; a tied table counts as lm_head.
 */

import type { ModelSpec } from './model-config.js';

export interface ParamCounts {
  total: number;
  active: number;
  /** Input embedding table (V × H). */
  embedding: number;
  /** Output projection; 0 when tied to the embedding. */
  lmHead: number;
  attention: number;
  /** Dense MLPs plus MoE blocks (router, experts, shared experts). */
  mlp: number;
  norms: number;
}

/** Attention weights of one layer. */
export function attentionParams(m: ModelSpec): number {
  const a = m.attention;
  const H = m.hidden;
  let n: number;
  if (a.mla) {
    const { qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim } = a.mla;
    const qk = qkNopeHeadDim + qkRopeHeadDim;
    const q = qLoraRank ? H * qLoraRank + qLoraRank + qLoraRank * a.heads * qk : H * a.heads * qk;
    const kv =
      H * (kvLoraRank + qkRopeHeadDim) +
      kvLoraRank +
      kvLoraRank * a.heads * (qkNopeHeadDim + vHeadDim);
    n = q + kv + a.heads * vHeadDim * H;
  } else {
    const q = a.heads * a.headDim;
    const kv = a.kvHeads * a.headDim;
    n = H * (q + 2 * kv) + q * H;
    if (a.qkvBias) n += q + 2 * kv;
    if (a.qkNorm) n += 2 * a.headDim;
  }
  if (a.outputBias) n += H;
  if (a.sinks) n += a.heads;
  return n;
}

/** A gated (SwiGLU/GeGLU) MLP of width `inter`. */
function gatedMlp(H: number, inter: number, bias: boolean): number {
  return 3 * H * inter + (bias ? 2 * inter + H : 0);
}

/** MoE block of one layer: the whole block, and what one token uses. */
export function moeLayerParams(m: ModelSpec): { total: number; active: number; perExpert: number } {
  const moe = m.moe;
  if (!moe) return { total: 0, active: 0, perExpert: 0 };
  const H = m.hidden;
  const perExpert = gatedMlp(H, moe.expertIntermediate, moe.expertBias);
  const router = moe.experts * H + (moe.expertBias || moe.routerBias ? moe.experts : 0);
  const shared =
    moe.sharedExperts * gatedMlp(H, moe.sharedIntermediate, false) + (moe.sharedExpertGate ? H : 0);
  return {
    total: router + shared + moe.experts * perExpert,
    active: router + shared + moe.expertsPerToken * perExpert,
    perExpert,
  };
}

export function paramCounts(m: ModelSpec): ParamCounts {
  const H = m.hidden;
  const moeLayers = m.moe?.moeLayers.length ?? 0;
  const denseLayers = m.layers - moeLayers;
  const moe = moeLayerParams(m);
  const attention = m.layers * attentionParams(m);
  const dense = denseLayers * gatedMlp(H, m.intermediate, m.mlpBias);
  const mlp = dense + moeLayers * moe.total;
  const norms = m.layers * m.normsPerLayer * H + H;
  const embedding = m.vocab * H;
  const lmHead = m.tiedEmbeddings ? 0 : m.vocab * H;
  const total = embedding + lmHead + attention + mlp + norms;
  const inactiveExperts = moeLayers * (moe.total - moe.active);
  // The untied input table is only gathered; a tied one is read in full as the lm_head.
  const active = total - inactiveExperts - (m.tiedEmbeddings ? 0 : embedding);
  return { total, active, embedding, lmHead, attention, mlp, norms };
}

/** KV-cache elements one token adds in one layer (MLA: the compressed latent plus the rope key). */
export function kvElementsPerLayer(m: ModelSpec): number {
  const a = m.attention;
  return a.mla ? a.mla.kvLoraRank + a.mla.qkRopeHeadDim : 2 * a.kvHeads * a.headDim;
}

/**
 * KV-cache bytes for `tokens` tokens of one sequence: sliding-window layers keep at most their
 * window. `bytesPerElement` is 2 for bf16/fp16, 1 for fp8.
 */
export function kvCacheBytes(m: ModelSpec, tokens: number, bytesPerElement = 2): number {
  const perLayer = kvElementsPerLayer(m) * bytesPerElement;
  const sliding = m.attention.slidingLayers.length;
  const window = m.attention.slidingWindow ?? tokens;
  return perLayer * ((m.layers - sliding) * tokens + sliding * Math.min(tokens, window));
}

/** Bytes per token while every layer still caches it (context within all windows). */
export function kvBytesPerToken(m: ModelSpec, bytesPerElement = 2): number {
  return kvElementsPerLayer(m) * bytesPerElement * m.layers;
}

/** Bytes each further token adds once the sliding windows are full (full-attention layers only). */
export function kvBytesPerTokenLongContext(m: ModelSpec, bytesPerElement = 2): number {
  return kvElementsPerLayer(m) * bytesPerElement * (m.layers - m.attention.slidingLayers.length);
}
