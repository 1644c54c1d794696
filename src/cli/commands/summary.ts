/** @module `inferscope summary`: counts, throughput, latency distributions and goodput. */

import { parseKeyDurations, parseWindow } from '../../base/duration.js';
import { InferscopeError } from '../../base/errors.js';
import { summarize } from '../../analyses/summary/summary.js';
import { Store } from '../../store/store.js';
import { toJson } from '../../outputs/json.js';
import { renderSummary } from '../../outputs/summary-text.js';
import { renderSummaryCompact } from '../../outputs/summary-compact.js';
import { DB_OPTION, JSON_OPTION, type CommandSpec } from '../spec.js';

export const summaryCommand: CommandSpec = {
  name: 'summary',
  summary: 'requests, errors, throughput, TTFT/TPOT/ITL/E2E/queue quantiles and goodput',
  description:
    'Figures come from per-request records when the store has them; otherwise from server histograms (quantiles marked ~ are estimates) or from the statistics a tool reported (marked as reported). Requests with flagged timings are counted and left out of the latency quantiles. Metric definitions: docs/metrics.md.',
  options: [
    DB_OPTION,
    {
      flags: '--by <dimension>',
      description: 'group by model, pool, replica, config, hardware or label:KEY',
    },
    {
      flags: '--window <start..end>',
      description:
        'only requests starting in this wall-clock window (ISO-8601 or epoch seconds; a side may be empty)',
    },
    {
      flags: '--slo <thresholds>',
      description: 'goodput thresholds, e.g. ttft=200ms,tpot=50ms (keys: ttft, tpot, e2e, queue)',
    },
    {
      flags: '--compact',
      description: 'one line per group (a comparison table) instead of a block per group',
    },
    JSON_OPTION,
  ],
  examples: [
    'inferscope summary',
    'inferscope summary --by label:tool --compact',
    'inferscope summary --by pool --slo ttft=200ms,tpot=50ms',
    'inferscope summary --by label:build --window 2026-11-20T10:00Z..2026-11-20T11:00Z --json',
  ],
  async run(_args, options, io) {
    const store = await Store.open(options.db as string);
    try {
      const result = await summarize(store, {
        by: options.by as string | undefined,
        window: typeof options.window === 'string' ? parseWindow(options.window) : undefined,
        slo: typeof options.slo === 'string' ? parseKeyDurations(options.slo, 'slo') : undefined,
      });
      if (result.groups.length === 0) {
        const e = new InferscopeError(
          'NO_DATA',
          `no requests, histograms or reported runs in ${options.db as string}`,
          {
            hint: 'ingest files first: inferscope ingest <paths...> (or widen --window)',
          },
        );
        if (options.json) io.out(toJson(result));
        throw e;
      }
      io.out(
        options.json
          ? toJson(result)
          : options.compact
            ? renderSummaryCompact(result)
            : renderSummary(result),
      );
      return 0;
    } finally {
      store.close();
    }
  },
};
