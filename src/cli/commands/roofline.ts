/** @module `inferscope roofline`: per-operator speed-of-light time of one phase of a model on a device. */

import { InferscopeError } from '../../base/errors.js';
import { findHardware, loadHardwareCatalog } from '../../analyses/frontier/hardware.js';
import type { ModelSpec } from '../../analyses/frontier/model-config.js';
import { loadModelCatalog, loadModelConfigFile } from '../../analyses/frontier/models.js';
import {
  DEFAULT_GROUP_SCALES,
  parseNumFormat,
  type GroupScale,
} from '../../analyses/frontier/numerics.js';
import type { Phase } from '../../analyses/frontier/operators.js';
import { roofline, type RooflineResult } from '../../analyses/frontier/roofline.js';
import { toJson } from '../../outputs/json.js';
import { formatNumber, formatSeconds, renderTable } from '../../outputs/table.js';
import { JSON_OPTION, type CommandSpec } from '../spec.js';

function int(options: Record<string, unknown>, key: string, fallback: number): number {
  const v = options[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new InferscopeError(
      'USAGE',
      `--${key} must be a non-negative integer (got "${String(v)}")`,
      {
        field: key,
        hint: `e.g. --${key} 8`,
      },
    );
  }
  return n;
}

function pickModel(options: Record<string, unknown>): ModelSpec {
  if (typeof options.config === 'string') return loadModelConfigFile(options.config);
  const name = typeof options.model === 'string' ? options.model.toLowerCase() : undefined;
  const catalog = loadModelCatalog();
  const m = catalog.find((x) => x.name === name);
  if (!m) {
    throw new InferscopeError(
      'USAGE',
      name ? `unknown model "${name}"` : 'give --model or --config',
      {
        field: 'model',
        hint: `known: ${catalog.map((x) => x.name).join(', ')} (or --config FILE)`,
      },
    );
  }
  return m;
}

function pickPhase(options: Record<string, unknown>): Phase {
  const kind = String(options.phase ?? 'decode');
  const batch = int(options, 'batch', 1);
  const context = int(options, 'context', 1024);
  if (kind === 'prefill') {
    const prompt = int(options, 'prompt', 1024);
    return { kind, batch, prompt, chunk: int(options, 'chunk', prompt) };
  }
  if (kind === 'decode') return { kind, batch, context };
  if (kind === 'mixed') return { kind, batch, context, chunk: int(options, 'chunk', 512) };
  throw new InferscopeError('USAGE', `unknown phase "${kind}"`, {
    field: 'phase',
    hint: 'one of prefill, decode, mixed',
  });
}

const mb = (b: number) => formatNumber(b / 1e6, 4);

export function renderRoofline(r: RooflineResult): string {
  const rows = r.ops.map((o) => [
    o.name,
    o.cls,
    String(o.count * o.steps),
    formatNumber(o.flops / 1e9, 4),
    mb(o.bytes.weights),
    mb(o.bytes.activations),
    mb(o.bytes.kv_read),
    mb(o.bytes.kv_write),
    o.cls === 'comm' ? mb(o.commBytes) : '—',
    o.bound,
    formatNumber(o.seconds * 1e6, 4),
  ]);
  const t = r.totals;
  rows.push([
    'total',
    '',
    '',
    formatNumber(t.flops / 1e9, 4),
    mb(t.bytes.weights),
    mb(t.bytes.activations),
    mb(t.bytes.kv_read),
    mb(t.bytes.kv_write),
    mb(t.commBytes),
    '',
    formatNumber(t.seconds * 1e6, 4),
  ]);
  const p = r.parallelism;
  const share = (s: number) => `${formatSeconds(s)} (${formatNumber((100 * s) / t.seconds, 3)}%)`;
  const byClass = Object.entries(t.byClass)
    .filter(([, s]) => s > 0)
    .map(([c, s]) => `${c} ${share(s)}`);
  return [
    `${r.model} on ${r.hardware}, ${JSON.stringify(r.phase)}`,
    `numerics w=${r.numerics.weights} a=${r.numerics.activations} kv=${r.numerics.kv}; GEMM peak ${r.peaks.gemm} ${formatNumber(r.peaks.gemmFlops / 1e12, 4)} TFLOP/s, HBM ${formatNumber(r.peaks.hbmBytesPerS / 1e12, 4)} TB/s; tp=${p.tp} pp=${p.pp} ep=${p.ep} dp=${p.dp} (${r.devices} device${r.devices > 1 ? 's' : ''})`,
    '',
    renderTable(
      [
        'op',
        'class',
        'n',
        'GFLOP',
        'MB weights',
        'MB act',
        'MB kv read',
        'MB kv write',
        'MB link',
        'bound',
        'SOL µs',
      ],
      rows,
    ),
    '',
    `SOL ${formatSeconds(t.seconds)} for ${r.tokens} tokens (${r.outputTokens} sampled); ${formatNumber(r.tokens / t.seconds, 4)} tokens/s per replica`,
    `by bound: compute ${share(t.byBound.compute)}, memory ${share(t.byBound.memory)}, comm ${share(t.byBound.comm)}`,
    `by class: ${byClass.join(', ')}`,
    `per device: ${formatNumber(r.perDevice.flops / 1e12, 4)} TFLOP, ${formatNumber(r.perDevice.bytes / 1e9, 4)} GB`,
    '',
    'conventions:',
    ...r.conventions.map((c) => `  - ${c}`),
  ].join('\n');
}

export const rooflineCommand: CommandSpec = {
  name: 'roofline',
  summary: 'speed-of-light time per operator for a prefill, decode or mixed step',
  description:
    'Builds the operator graph of one phase (embedding gather, norms, QKV/MLA projections, causal attention, MLP or MoE, lm_head on sampled tokens, sampling, TP/EP/PP collectives) and prices each operator at max(FLOPs / dense peak, bytes / HBM bandwidth), plus link time for collectives. Prefill = --batch prompts of --prompt tokens in --chunk steps; decode = one step of --batch sequences with --context cached tokens; mixed = that decode step plus one --chunk prefill chunk. Formulas and conventions: docs/frontier.md (Roofline).',
  options: [
    { flags: '--model <name>', description: 'a model of the catalog (inferscope models)' },
    { flags: '--config <file>', description: 'a Hugging Face config.json instead of --model' },
    { flags: '--hardware <id>', description: 'device id or alias (inferscope hardware)' },
    {
      flags: '--hardware-dir <dir>',
      description: 'extra folder of device files',
      repeatable: true,
    },
    { flags: '--phase <phase>', description: 'prefill | decode | mixed', default: 'decode' },
    { flags: '--batch <n>', description: 'sequences (decode, mixed) or prompts (prefill)' },
    { flags: '--context <n>', description: 'cached tokens per decoding sequence (default 1024)' },
    { flags: '--prompt <n>', description: 'prompt tokens (prefill, default 1024)' },
    {
      flags: '--chunk <n>',
      description: 'prefill chunk tokens (default: whole prompt; mixed: 512)',
    },
    { flags: '--weights <fmt>', description: 'bf16 | fp8 | int8 | int4 | fp4', default: 'bf16' },
    {
      flags: '--activations <fmt>',
      description: 'bf16 | fp8 | int8 | int4 | fp4',
      default: 'bf16',
    },
    { flags: '--kv <fmt>', description: 'KV-cache format', default: 'bf16' },
    {
      flags: '--group-size <n>',
      description: 'elements per scale of int4 / fp4 (default 128 / 16)',
    },
    { flags: '--tp <n>', description: 'tensor-parallel degree', default: '1' },
    { flags: '--pp <n>', description: 'pipeline-parallel degree', default: '1' },
    { flags: '--ep <n>', description: 'expert-parallel degree (divides tp·dp)', default: '1' },
    { flags: '--dp <n>', description: 'data-parallel replicas', default: '1' },
    { flags: '--sequence-parallel', description: 'TP with reduce-scatter + all-gather' },
    {
      flags: '--link-latency-us <us>',
      description: 'per-hop link latency instead of the catalog’s',
    },
    JSON_OPTION,
  ],
  examples: [
    'inferscope roofline --model llama-3.1-8b --hardware h100 --phase decode --batch 64 --context 4096',
    'inferscope roofline --model llama-3.1-70b --hardware h200 --phase prefill --prompt 8192 --chunk 2048 --tp 4 --weights fp8 --activations fp8',
    'inferscope roofline --model deepseek-v3 --hardware b200 --phase mixed --batch 128 --chunk 1024 --tp 8 --ep 8 --weights fp8 --kv fp8 --json',
  ],
  async run(_args, options, io) {
    if (typeof options.hardware !== 'string') {
      throw new InferscopeError('USAGE', 'give --hardware ID', {
        field: 'hardware',
        hint: 'inferscope hardware lists the devices',
      });
    }
    const extraDirs = (options.hardwareDir as string[] | undefined) ?? [];
    const hardware = findHardware(loadHardwareCatalog({ extraDirs }), options.hardware);
    const fmt = (key: string) => parseNumFormat(String(options[key] ?? 'bf16'), key);
    const groupScales: Partial<Record<'int4' | 'fp4', GroupScale>> = {};
    if (options.groupSize !== undefined) {
      const groupSize = int(options, 'groupSize', 0);
      for (const f of ['int4', 'fp4'] as const) {
        groupScales[f] = { ...DEFAULT_GROUP_SCALES[f], groupSize: Math.max(1, groupSize) };
      }
    }
    const latency = options.linkLatencyUs;
    if (latency !== undefined && !(Number(latency) >= 0)) {
      throw new InferscopeError(
        'USAGE',
        `--link-latency-us must be ≥ 0 (got "${String(latency)}")`,
        {
          field: 'link-latency-us',
          hint: 'microseconds per hop, e.g. --link-latency-us 0.5',
        },
      );
    }
    const r = roofline({
      model: pickModel(options),
      hardware,
      phase: pickPhase(options),
      numerics: { weights: fmt('weights'), activations: fmt('activations'), kv: fmt('kv') },
      parallelism: {
        tp: int(options, 'tp', 1),
        pp: int(options, 'pp', 1),
        ep: int(options, 'ep', 1),
        dp: int(options, 'dp', 1),
        sequenceParallel: options.sequenceParallel === true,
      },
      groupScales,
      linkLatencyS: latency === undefined ? undefined : Number(latency) * 1e-6,
    });
    io.out(options.json ? toJson(r) : renderRoofline(r));
    return 0;
  },
};
