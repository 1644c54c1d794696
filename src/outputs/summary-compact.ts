/** @module One line per group: the summary as a comparison table (`summary --compact`). */

import type { Distribution, GroupSummary, SummaryResult } from '../analyses/summary/types.js';
import { formatNumber, formatPercent, formatSeconds, renderTable } from './table.js';

const BASIS: Record<GroupSummary['basis'], string> = {
  requests: 'requests',
  server_histograms: 'histograms~',
  reported: 'reported',
};

function q(d: Distribution | null, p: 'p50' | 'p99', definition?: string): string {
  if (!d || d[p] === null) return '—';
  return `${d.estimate ? '~' : ''}${formatSeconds(d[p])}${definition ? '*' : ''}`;
}

export function renderSummaryCompact(result: SummaryResult): string {
  if (result.groups.length === 0) return 'no requests, histograms or reported runs match';
  const header = [
    result.by === 'all' ? 'group' : result.by,
    'basis',
    'requests',
    'errors',
    'req/s',
    'out tok/s',
    'TTFT p50',
    'TTFT p99',
    'TPOT p50',
    'ITL p50',
    'E2E p99',
  ];
  if (result.slo) header.push('goodput');
  const rows = result.groups.map((g) => {
    const tag = g.run ? `[${g.run.name}]` : g.server ? `[${g.server}]` : '';
    const name = [g.key ?? '(none)', tag].filter(Boolean).join(' ');
    const row = [
      name,
      BASIS[g.basis],
      formatNumber(g.requests),
      formatPercent(g.error_rate),
      formatNumber(g.throughput.requests_per_s),
      formatNumber(g.throughput.output_tokens_per_s),
      q(g.latency.ttft, 'p50', g.definitions?.ttft),
      q(g.latency.ttft, 'p99', g.definitions?.ttft),
      q(g.latency.tpot, 'p50', g.definitions?.tpot),
      g.latency.itl
        ? q(g.latency.itl, 'p50', g.definitions?.itl)
        : q(g.latency.itl_chunk, 'p50', g.definitions?.itl_chunk),
      q(g.latency.e2e, 'p99', g.definitions?.e2e),
    ];
    if (result.slo) row.push(g.goodput?.fraction != null ? formatPercent(g.goodput.fraction) : '—');
    return row;
  });
  const notes = [
    '~ estimated from server histogram buckets; "reported": as the tool reported it; * the tool defines this metric differently (see `definitions` in --json and docs/metrics.md)',
    ...result.notes.map((n) => `note: ${n}`),
  ];
  return [renderTable(header, rows, { maxWidth: 48 }), '', ...notes].join('\n');
}
