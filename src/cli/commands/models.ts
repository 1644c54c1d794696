/** @module `inferscope models`: the model catalog, or one parsed Hugging Face config.json. */

import {
  loadModelCatalog,
  loadModelConfigFile,
  summarizeModel,
  type ModelSummary,
} from '../../analyses/frontier/models.js';
import { toJson } from '../../outputs/json.js';
import { formatNumber, renderTable } from '../../outputs/table.js';
import { JSON_OPTION, type CommandSpec } from '../spec.js';

const billions = (n: number) => `${formatNumber(n / 1e9, 4)}B`;

function renderCatalog(models: readonly ModelSummary[]): string {
  return [
    renderTable(
      ['model', 'type', 'params', 'active', 'layers', 'attention', 'mlp', 'KV B/token bf16'],
      models.map((m) => [
        m.name,
        m.modelType,
        billions(m.params.total),
        billions(m.params.active),
        String(m.spec.layers),
        m.attention,
        m.mlp,
        formatNumber(m.kvBytesPerTokenBf16),
      ]),
      { maxWidth: 48 },
    ),
    '',
    'active = weights that multiply each token: unselected experts and the untied input embedding',
    'table (a gather) are excluded. Details of one: inferscope models --config FILE.',
  ].join('\n');
}

function renderOne(m: ModelSummary): string {
  const s = m.spec;
  const p = m.params;
  const moe = s.moe;
  const rows: [string, string][] = [
    ['model', m.name],
    ['source', m.source ?? '—'],
    ['model_type', m.modelType],
    ['parameters', `${billions(p.total)} total, ${billions(p.active)} active per token`],
    [
      'breakdown',
      `embedding ${billions(p.embedding)}, lm_head ${p.lmHead ? billions(p.lmHead) : 'tied'}, attention ${billions(p.attention)}, mlp ${billions(p.mlp)}`,
    ],
    ['layers / hidden / vocab', `${s.layers} / ${s.hidden} / ${s.vocab}`],
    ['attention', m.attention],
    [
      'mlp',
      moe ? `${m.mlp}, expert width ${moe.expertIntermediate}` : `dense, width ${s.intermediate}`,
    ],
    ['KV bytes/token (bf16)', formatNumber(m.kvBytesPerTokenBf16)],
  ];
  if (m.kvBytesPerTokenLongContextBf16 !== m.kvBytesPerTokenBf16) {
    rows.push(['KV bytes/token beyond windows', formatNumber(m.kvBytesPerTokenLongContextBf16)]);
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export const modelsCommand: CommandSpec = {
  name: 'models',
  summary: 'list the model catalog, or parse one Hugging Face config.json',
  description:
    'The catalog is data/models/*.json (Hugging Face config.json architecture fields). --config reads any config.json of a supported model_type (llama, mistral, mixtral, qwen2, qwen2_moe, qwen3, qwen3_moe, deepseek_v2, deepseek_v3, gpt_oss, gemma, gemma2) and shows its parameters, attention kind and KV-cache bytes per token.',
  options: [
    { flags: '--config <file>', description: 'a Hugging Face config.json to parse and show' },
    JSON_OPTION,
  ],
  examples: [
    'inferscope models',
    'inferscope models --config ./Llama-3.1-8B/config.json',
    'inferscope models --json',
  ],
  async run(_args, options, io) {
    if (typeof options.config === 'string') {
      const one = summarizeModel(loadModelConfigFile(options.config));
      io.out(options.json ? toJson(one) : renderOne(one));
      return 0;
    }
    const all = loadModelCatalog().map(summarizeModel);
    io.out(options.json ? toJson(all) : renderCatalog(all));
    return 0;
  },
};
