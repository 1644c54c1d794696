/**
 * @module The operator graph of a phase: prefill (chunked), one decode step, or a mixed
 * chunked-prefill step, as steps of sequence groups, each expanded to per-device operators.
 */

import { InferscopeError } from '../../base/errors.js';
import type { HardwareSpec } from './hardware.js';
import type { ModelSpec } from './model-config.js';
import {
  attentionComputeDtype,
  bytesPerElement,
  gemmComputeDtype,
  type GroupScale,
  type Numerics,
} from './numerics.js';
import { attentionOps } from './attention-ops.js';
import { mlpOps } from './mlp-ops.js';
import {
  elementwise,
  gemm,
  stepOutputs,
  stepTokens,
  type Op,
  type OpContext,
  type Step,
} from './ops.js';
import { commOps, type Parallelism } from './parallel.js';

export type Phase =
  /** `batch` prompts of `prompt` tokens, processed `chunk` tokens per step (default: whole). */
  | { kind: 'prefill'; batch: number; prompt: number; chunk?: number }
  /** One decode step of `batch` sequences with `context` tokens already cached each. */
  | { kind: 'decode'; batch: number; context: number }
  /** One step: `batch` decodes at `context` plus one prefill chunk of `chunk` tokens after `chunkPast`. */
  | { kind: 'mixed'; batch: number; context: number; chunk: number; chunkPast?: number };

function positive(field: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) {
    throw new InferscopeError('USAGE', `--${field} must be an integer ≥ ${min} (got ${v})`, {
      field,
      hint: `give --${field} N`,
    });
  }
}

/** The steps a phase runs; prefill in chunks re-reads the weights once per chunk step. */
export function phaseSteps(p: Phase): Step[] {
  switch (p.kind) {
    case 'prefill': {
      positive('batch', p.batch);
      positive('prompt', p.prompt);
      const chunk = p.chunk ?? p.prompt;
      positive('chunk', chunk);
      const steps: Step[] = [];
      for (let past = 0; past < p.prompt; past += chunk) {
        const n = Math.min(chunk, p.prompt - past);
        steps.push({
          groups: [{ count: p.batch, newTokens: n, past, emits: past + n === p.prompt }],
        });
      }
      return steps;
    }
    case 'decode':
      positive('batch', p.batch);
      positive('context', p.context, 0);
      return [{ groups: [{ count: p.batch, newTokens: 1, past: p.context, emits: true }] }];
    case 'mixed': {
      positive('batch', p.batch, 0);
      positive('context', p.context, 0);
      positive('chunk', p.chunk, 2);
      const groups = [{ count: 1, newTokens: p.chunk, past: p.chunkPast ?? 0, emits: false }];
      if (p.batch > 0)
        groups.unshift({ count: p.batch, newTokens: 1, past: p.context, emits: true });
      return [{ groups }];
    }
  }
}

export interface BuildOptions {
  model: ModelSpec;
  hardware: HardwareSpec;
  numerics: Numerics;
  parallelism: Parallelism;
  groupScales?: Partial<Record<'int4' | 'fp4', GroupScale>>;
}

/** The shared context of one step's builders. */
export function opContext(o: BuildOptions, step: Step): OpContext {
  const s = o.groupScales ?? {};
  return {
    m: o.model,
    numerics: o.numerics,
    bw: bytesPerElement(o.numerics.weights, s),
    ba: bytesPerElement(o.numerics.activations, s),
    bkv: bytesPerElement(o.numerics.kv, s),
    gemmDtype: gemmComputeDtype(o.numerics.weights, o.numerics.activations, o.hardware),
    attnDtype: attentionComputeDtype(o.numerics, o.hardware),
    tp: o.parallelism.tp,
    ep: o.parallelism.ep,
    dp: o.parallelism.dp,
    step,
    tokens: stepTokens(step),
  };
}

/**
 * Every operator of one step, per device. Embedding is a row gather; norms 4 FLOPs/element,
 * residual adds 1, rope 3, SwiGLU 5, sampling 5 per logit; the lm_head (bf16, like the embedding
 * table) runs only on the tokens that are sampled (the last prompt token in prefill).
 */
export function stepOps(o: BuildOptions, step: Step): Op[] {
  const ctx = opContext(o, step);
  const { m, tokens: T } = ctx;
  const H = m.hidden;
  const L = m.layers;
  const out = stepOutputs(step);
  const hidden = `[${T}, ${H}]`;
  const ops: Op[] = [
    {
      name: 'embedding',
      cls: 'embedding',
      count: 1,
      shape: `gather ${T} rows of [${m.vocab}, ${H}]`,
      flops: 0,
      bytes: { weights: T * H * 2, activations: T * H * ctx.ba, kv_read: 0, kv_write: 0 },
      computeDtype: 'bf16',
    },
    elementwise(ctx, {
      name: 'norms',
      cls: 'norm',
      count: L * m.normsPerLayer,
      elements: T * H,
      reads: 1,
      flopsPerElement: 4,
      weightElements: H,
      shape: hidden,
    }),
    ...attentionOps(ctx),
    ...mlpOps(ctx),
    elementwise(ctx, {
      name: 'residual_add',
      cls: 'elementwise',
      count: 2 * L,
      elements: T * H,
      reads: 2,
      flopsPerElement: 1,
      shape: hidden,
    }),
    elementwise(ctx, {
      name: 'final_norm',
      cls: 'norm',
      count: 1,
      elements: T * H,
      reads: 1,
      flopsPerElement: 4,
      weightElements: H,
      shape: hidden,
    }),
  ];
  if (out > 0) {
    const lmHead = gemm(
      ctx,
      { name: 'lm_head', count: 1, tokens: out, k: H, n: m.vocab },
      'gemm',
      2,
    );
    ops.push({ ...lmHead, computeDtype: 'bf16' });
    ops.push(
      elementwise(ctx, {
        name: 'sampling',
        cls: 'elementwise',
        count: 1,
        elements: (out * m.vocab) / ctx.tp,
        reads: 1,
        flopsPerElement: 5,
        shape: `[${out}, ${m.vocab}]`,
      }),
    );
  }
  ops.push(...commOps(ctx, o.parallelism));
  return ops;
}
