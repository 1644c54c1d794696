/**
 * @module Hugging Face `config.json` → a normalised model description (layers, attention, MLP, MoE,
 * MLA, sliding windows). Only architecture fields are read; unknown fields are ignored.
 */

import { z } from 'zod';
import { InferscopeError } from '../../base/errors.js';
import { validateFile } from './validate.js';

export const MODEL_TYPES = [
  'llama',
  'mistral',
  'mixtral',
  'qwen2',
  'qwen2_moe',
  'qwen3',
  'qwen3_moe',
  'deepseek_v2',
  'deepseek_v3',
  'gpt_oss',
  'gemma',
  'gemma2',
] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

const int = z.number().int().positive();
const optInt = int.nullish();

/** The fields read from a config.json; every other key is allowed and ignored. */
export const HfConfig = z.looseObject({
  _source: z.string().optional(),
  model_type: z.string(),
  hidden_size: int,
  num_hidden_layers: int,
  num_attention_heads: int,
  num_key_value_heads: optInt,
  head_dim: optInt,
  intermediate_size: int,
  vocab_size: int,
  tie_word_embeddings: z.boolean().optional(),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().optional(),
  max_position_embeddings: optInt,
  sliding_window: optInt,
  use_sliding_window: z.boolean().optional(),
  max_window_layers: z.number().int().nonnegative().nullish(),
  layer_types: z.array(z.string()).optional(),
  // MoE (Mixtral, gpt-oss: num_local_experts; Qwen: num_experts; DeepSeek: n_routed_experts)
  num_local_experts: optInt,
  num_experts: optInt,
  n_routed_experts: optInt,
  num_experts_per_tok: optInt,
  moe_intermediate_size: optInt,
  shared_expert_intermediate_size: optInt,
  n_shared_experts: z.number().int().nonnegative().nullish(),
  first_k_dense_replace: z.number().int().nonnegative().nullish(),
  moe_layer_freq: optInt,
  decoder_sparse_step: optInt,
  mlp_only_layers: z.array(z.number().int().nonnegative()).optional(),
  // MLA (DeepSeek V2/V3)
  q_lora_rank: optInt,
  kv_lora_rank: optInt,
  qk_nope_head_dim: optInt,
  qk_rope_head_dim: optInt,
  v_head_dim: optInt,
  num_nextn_predict_layers: z.number().int().nonnegative().nullish(),
});
export type HfConfig = z.infer<typeof HfConfig>;

export interface MlaSpec {
  /** Null when queries are projected directly (DeepSeek-V2-Lite). */
  qLoraRank: number | null;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

export interface MoeSpec {
  experts: number;
  expertsPerToken: number;
  expertIntermediate: number;
  /** Always-active experts (DeepSeek n_shared_experts; Qwen2-MoE has 1). */
  sharedExperts: number;
  sharedIntermediate: number;
  /** Indices of the layers whose MLP is a MoE block; the others are dense. */
  moeLayers: number[];
  /** gpt-oss: the experts and the router carry biases. */
  expertBias: boolean;
  /** Qwen2-MoE: a sigmoid gate (hidden → 1) on the shared expert. */
  sharedExpertGate: boolean;
  /** DeepSeek-V3: a per-expert score-correction bias in the router. */
  routerBias: boolean;
}

export interface AttentionSpec {
  kind: 'mha' | 'gqa' | 'mqa' | 'mla';
  heads: number;
  kvHeads: number;
  headDim: number;
  slidingWindow: number | null;
  /** Indices of the layers that use the sliding window; the rest attend to the full context. */
  slidingLayers: number[];
  /** gpt-oss: one learned sink logit per head. */
  sinks: boolean;
  qkvBias: boolean;
  outputBias: boolean;
  /** Qwen3: RMSNorm on q and k (head_dim weights each). */
  qkNorm: boolean;
  mla: MlaSpec | null;
}

export interface ModelSpec {
  name: string;
  /** Hugging Face repo id, from the file's `_source` when given. */
  source: string | null;
  modelType: ModelType;
  layers: number;
  hidden: number;
  vocab: number;
  tiedEmbeddings: boolean;
  maxPositions: number | null;
  attention: AttentionSpec;
  /** Dense (gated, SwiGLU/GeGLU) MLP width, used by the non-MoE layers. */
  intermediate: number;
  mlpBias: boolean;
  /** RMSNorm weight vectors of `hidden` per layer (2, or 4 for Gemma 2). */
  normsPerLayer: number;
  moe: MoeSpec | null;
  /** DeepSeek-V3 multi-token-prediction modules, not counted in the parameters. */
  mtpLayers: number;
}

const HINT = `a Hugging Face config.json with model_type one of: ${MODEL_TYPES.join(', ')}`;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function need<K extends keyof HfConfig>(
  cfg: HfConfig,
  key: K,
  file: string,
): NonNullable<HfConfig[K]> {
  const v = cfg[key];
  if (v === undefined || v === null) {
    throw new InferscopeError(
      'PARSE_ERROR',
      `model config: ${String(key)} is required for model_type ${cfg.model_type}`,
      {
        file,
        field: String(key),
        hint: HINT,
      },
    );
  }
  return v as NonNullable<HfConfig[K]>;
}

function slidingLayers(cfg: HfConfig, type: ModelType, layers: number): number[] {
  if (cfg.layer_types)
    return range(layers).filter((i) => cfg.layer_types?.[i] === 'sliding_attention');
  if (!cfg.sliding_window) return [];
  switch (type) {
    case 'mistral':
    case 'mixtral':
      return range(layers);
    case 'gemma2':
      return range(layers).filter((i) => i % 2 === 0);
    case 'qwen2':
    case 'qwen2_moe':
    case 'qwen3':
    case 'qwen3_moe':
      return cfg.use_sliding_window
        ? range(layers).filter((i) => i >= (cfg.max_window_layers ?? 0))
        : [];
    default:
      return [];
  }
}

function moeSpec(cfg: HfConfig, type: ModelType, file: string): MoeSpec | null {
  const L = cfg.num_hidden_layers;
  const base = {
    sharedExperts: 0,
    sharedIntermediate: 0,
    expertBias: false,
    sharedExpertGate: false,
    routerBias: false,
  };
  switch (type) {
    case 'mixtral':
    case 'gpt_oss':
      return {
        ...base,
        experts: need(cfg, 'num_local_experts', file),
        expertsPerToken: need(cfg, 'num_experts_per_tok', file),
        expertIntermediate: cfg.intermediate_size,
        moeLayers: range(L),
        expertBias: type === 'gpt_oss',
      };
    case 'qwen2_moe':
    case 'qwen3_moe': {
      const step = cfg.decoder_sparse_step ?? 1;
      const dense = new Set(cfg.mlp_only_layers ?? []);
      const shared = type === 'qwen2_moe' ? (cfg.shared_expert_intermediate_size ?? 0) : 0;
      return {
        ...base,
        experts: need(cfg, 'num_experts', file),
        expertsPerToken: need(cfg, 'num_experts_per_tok', file),
        expertIntermediate: need(cfg, 'moe_intermediate_size', file),
        sharedExperts: shared > 0 ? 1 : 0,
        sharedIntermediate: shared,
        sharedExpertGate: shared > 0,
        moeLayers: range(L).filter((i) => !dense.has(i) && (i + 1) % step === 0),
      };
    }
    case 'deepseek_v2':
    case 'deepseek_v3': {
      if (!cfg.n_routed_experts) return null;
      const k = cfg.first_k_dense_replace ?? 0;
      const freq = cfg.moe_layer_freq ?? 1;
      const im = need(cfg, 'moe_intermediate_size', file);
      return {
        ...base,
        experts: cfg.n_routed_experts,
        expertsPerToken: need(cfg, 'num_experts_per_tok', file),
        expertIntermediate: im,
        sharedExperts: cfg.n_shared_experts ?? 0,
        sharedIntermediate: im,
        routerBias: type === 'deepseek_v3',
        moeLayers: range(L).filter((i) => i >= k && i % freq === 0),
      };
    }
    default:
      return null;
  }
}

/** Validates a parsed config.json and normalises it. `name` labels the model in outputs. */
export function parseModelConfig(value: unknown, ctx: { file: string; name: string }): ModelSpec {
  const cfg = validateFile(HfConfig, value, { file: ctx.file, format: 'model config', hint: HINT });
  const type = cfg.model_type as ModelType;
  if (!MODEL_TYPES.includes(type)) {
    throw new InferscopeError(
      'PARSE_ERROR',
      `model config: model_type "${cfg.model_type}" is not supported`,
      {
        file: ctx.file,
        field: 'model_type',
        hint: HINT,
      },
    );
  }
  const heads = cfg.num_attention_heads;
  const kvHeads = cfg.num_key_value_heads ?? heads;
  const isMla = type === 'deepseek_v2' || type === 'deepseek_v3';
  const mla: MlaSpec | null = isMla
    ? {
        qLoraRank: cfg.q_lora_rank ?? null,
        kvLoraRank: need(cfg, 'kv_lora_rank', ctx.file),
        qkNopeHeadDim: need(cfg, 'qk_nope_head_dim', ctx.file),
        qkRopeHeadDim: need(cfg, 'qk_rope_head_dim', ctx.file),
        vHeadDim: need(cfg, 'v_head_dim', ctx.file),
      }
    : null;
  const headDim = mla
    ? mla.qkNopeHeadDim + mla.qkRopeHeadDim
    : (cfg.head_dim ?? cfg.hidden_size / heads);
  if (!Number.isInteger(headDim)) {
    throw new InferscopeError(
      'PARSE_ERROR',
      'model config: hidden_size is not a multiple of num_attention_heads',
      {
        file: ctx.file,
        field: 'head_dim',
        hint: 'give head_dim explicitly',
      },
    );
  }
  const sliding = slidingLayers(cfg, type, cfg.num_hidden_layers);
  const tiedDefault = type === 'gemma' || type === 'gemma2';
  const biasDefault = type === 'qwen2' || type === 'qwen2_moe';
  return {
    name: ctx.name,
    source: cfg._source ?? null,
    modelType: type,
    layers: cfg.num_hidden_layers,
    hidden: cfg.hidden_size,
    vocab: cfg.vocab_size,
    tiedEmbeddings: cfg.tie_word_embeddings ?? tiedDefault,
    maxPositions: cfg.max_position_embeddings ?? null,
    attention: {
      kind: mla ? 'mla' : kvHeads === heads ? 'mha' : kvHeads === 1 ? 'mqa' : 'gqa',
      heads,
      kvHeads,
      headDim,
      slidingWindow: sliding.length > 0 ? (cfg.sliding_window ?? null) : null,
      slidingLayers: sliding,
      sinks: type === 'gpt_oss',
      qkvBias: cfg.attention_bias ?? biasDefault,
      outputBias: type === 'gpt_oss' || (cfg.attention_bias === true && !biasDefault),
      qkNorm: type === 'qwen3' || type === 'qwen3_moe',
      mla,
    },
    intermediate: cfg.intermediate_size,
    mlpBias: cfg.mlp_bias ?? false,
    normsPerLayer: type === 'gemma2' ? 4 : 2,
    moe: moeSpec(cfg, type, ctx.file),
    mtpLayers: cfg.num_nextn_predict_layers ?? 0,
  };
}
