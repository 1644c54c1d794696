/** @module The model catalog (`data/models/*.json`, Hugging Face config.json fields) and config loading. */

import { basename, join } from 'node:path';
import { dataDir, jsonFiles, readJsonFile } from './data-files.js';
import { parseModelConfig, type ModelSpec } from './model-config.js';
import {
  kvBytesPerToken,
  kvBytesPerTokenLongContext,
  paramCounts,
  type ParamCounts,
} from './model-params.js';

/** Reads one config.json; the model is named after the file (or its folder for `config.json`). */
export function loadModelConfigFile(file: string, name?: string): ModelSpec {
  const base = basename(file, '.json');
  const label = name ?? (base === 'config' ? basename(join(file, '..')) : base);
  return parseModelConfig(readJsonFile(file, 'model config'), { file, name: label });
}

/** Every model shipped in `data/models/`, sorted by name. */
export function loadModelCatalog(): ModelSpec[] {
  return jsonFiles(join(dataDir(), 'models')).map((f) => loadModelConfigFile(f));
}

export interface ModelSummary {
  name: string;
  source: string | null;
  modelType: string;
  params: ParamCounts;
  /** e.g. "GQA 8/64" or "MLA (latent 512 + rope 64)". */
  attention: string;
  /** e.g. "MoE 8 of 256 + 1 shared, 58/61 layers", or "dense". */
  mlp: string;
  kvBytesPerTokenBf16: number;
  /** Marginal bytes per token once sliding windows are full; equal to the above without them. */
  kvBytesPerTokenLongContextBf16: number;
  spec: ModelSpec;
}

export function describeAttention(m: ModelSpec): string {
  const a = m.attention;
  let s = a.mla
    ? `MLA (latent ${a.mla.kvLoraRank} + rope ${a.mla.qkRopeHeadDim}), ${a.heads} heads`
    : `${a.kind.toUpperCase()} ${a.kvHeads}/${a.heads}×${a.headDim}`;
  if (a.slidingLayers.length > 0) {
    s += `, SWA ${a.slidingWindow} on ${a.slidingLayers.length}/${m.layers} layers`;
  }
  if (a.sinks) s += ', sinks';
  return s;
}

export function describeMlp(m: ModelSpec): string {
  const moe = m.moe;
  if (!moe) return 'dense';
  const shared = moe.sharedExperts > 0 ? ` + ${moe.sharedExperts} shared` : '';
  const layers =
    moe.moeLayers.length === m.layers ? '' : `, ${moe.moeLayers.length}/${m.layers} layers`;
  return `MoE ${moe.expertsPerToken} of ${moe.experts}${shared}${layers}`;
}

export function summarizeModel(m: ModelSpec): ModelSummary {
  return {
    name: m.name,
    source: m.source,
    modelType: m.modelType,
    params: paramCounts(m),
    attention: describeAttention(m),
    mlp: describeMlp(m),
    kvBytesPerTokenBf16: kvBytesPerToken(m, 2),
    kvBytesPerTokenLongContextBf16: kvBytesPerTokenLongContext(m, 2),
    spec: m,
  };
}
