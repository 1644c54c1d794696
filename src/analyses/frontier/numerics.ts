/**
 * @module Numeric formats of a deployment (weights, activations, KV cache): bytes per element with
 * group-scale overhead, and which dense peak a GEMM runs at for a weight × activation pair.
 */

import { InferscopeError } from '../../base/errors.js';
import { peakFlops, type Dtype, type HardwareSpec } from './hardware.js';

export const NUM_FORMATS = ['bf16', 'fp8', 'int8', 'int4', 'fp4'] as const;
export type NumFormat = (typeof NUM_FORMATS)[number];

export interface Numerics {
  weights: NumFormat;
  activations: NumFormat;
  kv: NumFormat;
}

/** One scale of `scaleBytes` per `groupSize` elements (4-bit formats only). */
export interface GroupScale {
  groupSize: number;
  scaleBytes: number;
}

/**
 * Defaults: int4 = GPTQ/AWQ style, one fp16 scale per 128 elements (0.515625 B/element); fp4 =
 * NVFP4, one fp8 scale per 16 elements (0.5625 B = 9/16, as research/roofline.md §6.6). fp8 and
 * int8 per-tensor / per-channel scales are negligible and not counted.
 */
export const DEFAULT_GROUP_SCALES: Readonly<Record<'int4' | 'fp4', GroupScale>> = {
  int4: { groupSize: 128, scaleBytes: 2 },
  fp4: { groupSize: 16, scaleBytes: 1 },
};

const BITS: Record<NumFormat, number> = { bf16: 16, fp8: 8, int8: 8, int4: 4, fp4: 4 };

/** Bytes per stored element, including the group scales of 4-bit formats. */
export function bytesPerElement(
  f: NumFormat,
  scales: Partial<Record<'int4' | 'fp4', GroupScale>> = {},
): number {
  if (f === 'int4' || f === 'fp4') {
    const g = scales[f] ?? DEFAULT_GROUP_SCALES[f];
    return 0.5 + g.scaleBytes / g.groupSize;
  }
  return BITS[f] / 8;
}

/** Parses a CLI dtype name. */
export function parseNumFormat(text: string, field: string): NumFormat {
  const f = text.toLowerCase() as NumFormat;
  if (!NUM_FORMATS.includes(f)) {
    throw new InferscopeError('USAGE', `unknown number format "${text}" for --${field}`, {
      field,
      hint: `one of ${NUM_FORMATS.join(', ')}`,
    });
  }
  return f;
}

/** Next wider tensor-core format to fall back to when a device lacks a peak. */
const WIDER: Record<Dtype, Dtype | null> = {
  fp4: 'fp8',
  fp8: 'bf16',
  int8: 'bf16',
  bf16: null,
  fp32: null,
};

const asDtype = (f: NumFormat): Dtype => (f === 'int4' ? 'int8' : f);

/**
 * The peak a GEMM with these weight and activation formats runs at. Rule: the wider of the two
 * formats (weight-only quantisation, e.g. fp8 or int4 weights × bf16 activations, dequantises to
 * bf16 and runs at the bf16 peak; w8a8 runs at fp8/int8; w4a8 at fp8/int8; w4a4 fp4 at fp4). Two
 * formats of equal width but different families (fp8 × int8) run at bf16. int4 maths uses the
 * int8 peak (no catalog device lists int4). A device lacking the peak falls back to the next wider
 * one (fp4 → fp8 → bf16, int8 → bf16).
 */
export function gemmComputeDtype(w: NumFormat, a: NumFormat, hw: HardwareSpec): Dtype {
  let d: Dtype;
  if (BITS[w] !== BITS[a]) d = asDtype(BITS[w] > BITS[a] ? w : a);
  else if (asDtype(w) === asDtype(a)) d = asDtype(w);
  else d = w.startsWith('int') !== a.startsWith('int') ? 'bf16' : asDtype(a);
  let cur: Dtype | null = d;
  while (cur && peakFlops(hw, cur) === undefined) cur = WIDER[cur];
  return cur ?? 'bf16';
}

/**
 * Attention maths (QKᵀ, PV) runs at fp8 when both activations and the KV cache are fp8 (an fp8
 * FMHA), otherwise at bf16 (a quantised KV cache is dequantised on load).
 */
export function attentionComputeDtype(n: Numerics, hw: HardwareSpec): Dtype {
  return n.activations === 'fp8' && n.kv === 'fp8' && peakFlops(hw, 'fp8') !== undefined
    ? 'fp8'
    : 'bf16';
}
