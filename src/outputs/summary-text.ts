/** @module Text rendering of a SummaryResult: one block per group. */

import type { Distribution, GroupSummary, SummaryResult } from '../analyses/summary/types.js';
import { formatNumber, formatPercent, formatSeconds, renderTable } from './table.js';

const LATENCY_ROWS: [keyof GroupSummary['latency'], string][] = [
  ['ttft', 'TTFT'],
  ['tpot', 'TPOT'],
  ['itl', 'ITL (per token)'],
  ['itl_chunk', 'ITL (per chunk)'],
  ['e2e', 'E2E'],
  ['queue', 'queue'],
];

function groupTitle(g: GroupSummary, by: string): string {
  const parts: string[] = [];
  if (by !== 'all') parts.push(`${by} = ${g.key ?? '(none)'}`);
  if (g.run) parts.push(`run ${g.run.name}`);
  const basis =
    g.basis === 'requests'
      ? 'from per-request records'
      : g.basis === 'server_histograms'
        ? `ESTIMATED from ${g.server ?? 'server'} histograms`
        : 'as REPORTED by the tool (not recomputed)';
  return `${parts.length ? parts.join(', ') + ' — ' : ''}${basis}`;
}

function latencyRow(label: string, d: Distribution | null, definition?: string): string[] {
  const tag = d?.estimate ? ' ~' : '';
  const name = definition ? `${label} [${definition}]` : label;
  if (!d) return [name, '—', '—', '—', '—', '—', '—'];
  return [
    name + tag,
    formatNumber(d.count),
    formatSeconds(d.mean),
    formatSeconds(d.p50),
    formatSeconds(d.p90),
    formatSeconds(d.p99),
    formatSeconds(d.p999),
  ];
}

export function renderSummary(result: SummaryResult): string {
  if (result.groups.length === 0) return 'no requests, histograms or reported runs match';
  const blocks: string[] = [];
  for (const g of result.groups) {
    const head = [
      `requests ${formatNumber(g.requests)}`,
      `errors ${formatNumber(g.errors)} (${formatPercent(g.error_rate)})`,
      g.flagged ? `flagged ${formatNumber(g.flagged)} (left out of latencies)` : '',
      `duration ${formatSeconds(g.duration_s)}`,
    ].filter(Boolean);
    const tp = [
      `${formatNumber(g.throughput.requests_per_s)} req/s`,
      `in ${formatNumber(g.throughput.input_tokens_per_s)} tok/s`,
      `out ${formatNumber(g.throughput.output_tokens_per_s)} tok/s`,
    ];
    const lines = [
      `▸ ${groupTitle(g, result.by)}`,
      `  ${head.join(' · ')}`,
      `  throughput: ${tp.join(' · ')}`,
    ];
    if (g.goodput) {
      lines.push(
        `  goodput: ${formatNumber(g.goodput.requests_per_s)} req/s` +
          (g.goodput.fraction !== null
            ? ` (${formatPercent(g.goodput.fraction)} of requests meet the SLO)`
            : ''),
      );
    }
    const rows = LATENCY_ROWS.filter(([k]) => g.latency[k] !== null).map(([k, label]) =>
      latencyRow(label, g.latency[k], g.definitions?.[k]),
    );
    if (rows.length) {
      const table = renderTable(['latency', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9'], rows);
      lines.push(table.replace(/^/gm, '  '));
    }
    blocks.push(lines.join('\n'));
  }
  const notes = result.notes.map((n) => `note: ${n}`);
  return [...blocks, ...notes].join('\n\n');
}
