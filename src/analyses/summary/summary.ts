/**
 * @module `inferscope summary`: request counts, errors, throughput, latency distributions and
 * goodput per group, from per-request records where they exist, else from server histograms
 * (labelled estimates), else from the statistics the tools reported (labelled as such).
 */

import { InferscopeError } from '../../base/errors.js';
import type { Store } from '../../store/store.js';
import { histogramSummaries } from './from-histograms.js';
import { reportedSummaries } from './from-reported.js';
import { requestSummaries } from './from-requests.js';
import type { SummaryResult } from './types.js';

export interface SummaryOptions {
  /** `model`, `pool`, `replica`, `config`, `hardware` or `label:KEY`; default: no grouping. */
  by?: string;
  window?: { start?: bigint; end?: bigint };
  /** Thresholds in seconds keyed by ttft, tpot, e2e, queue. */
  slo?: Record<string, number>;
}

const SLO_KEYS = new Set(['ttft', 'tpot', 'e2e', 'queue']);
const DIMENSIONS: Record<string, string> = {
  model: 'model',
  pool: 'pool',
  replica: 'replica',
  config: 'config_id',
  hardware: 'hardware',
};

export interface GroupKey {
  /** SQL over the `requests` view. */
  requestSql: string;
  /** The label key to read from ingest labels and metric labels. */
  labelKey: string | null;
}

/** Resolves `--by` into SQL. Label keys are restricted to safe identifiers. */
export function groupKey(by: string | undefined): GroupKey {
  if (!by || by === 'all') return { requestSql: 'NULL::VARCHAR', labelKey: null };
  if (by in DIMENSIONS)
    return { requestSql: DIMENSIONS[by], labelKey: by === 'config' ? 'config' : by };
  const m = /^label:([A-Za-z0-9_.-]+)$/.exec(by);
  if (m) {
    const k = m[1];
    return {
      requestSql: `coalesce(json_extract_string(attributes, '$."${k}"'), json_extract_string(labels, '$."${k}"'))`,
      labelKey: k,
    };
  }
  throw new InferscopeError('USAGE', `cannot group by "${by}"`, {
    field: 'by',
    hint: 'use model, pool, replica, config, hardware or label:KEY',
  });
}

export async function summarize(
  store: Store,
  options: SummaryOptions = {},
): Promise<SummaryResult> {
  const slo = options.slo && Object.keys(options.slo).length ? options.slo : undefined;
  for (const k of Object.keys(slo ?? {})) {
    if (!SLO_KEYS.has(k)) {
      throw new InferscopeError('USAGE', `unknown SLO metric "${k}"`, {
        field: 'slo',
        hint: 'use ttft, tpot, e2e or queue, e.g. --slo ttft=200ms,tpot=50ms',
      });
    }
  }
  const key = groupKey(options.by);
  const notes: string[] = [];
  const ctx = { store, key, window: options.window ?? {}, slo, notes };
  const groups = [
    ...(await requestSummaries(ctx)),
    ...(await histogramSummaries(ctx)),
    ...(await reportedSummaries(ctx)),
  ];
  return {
    by: options.by ?? 'all',
    window: {
      start_ns: options.window?.start?.toString() ?? null,
      end_ns: options.window?.end?.toString() ?? null,
    },
    slo: slo ?? null,
    groups,
    notes,
  };
}

export interface SummaryContext {
  store: Store;
  key: GroupKey;
  window: { start?: bigint; end?: bigint };
  slo: Record<string, number> | undefined;
  notes: string[];
}
