/** @module `inferscope demo`: generate example telemetry, ingest it, and summarise it. */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { summarize } from '../../analyses/summary/summary.js';
import { writeExamples } from '../../examples/write-examples.js';
import { ingestFile } from '../../store/ingest.js';
import { Store } from '../../store/store.js';
import { toJson } from '../../outputs/json.js';
import { renderSummaryCompact } from '../../outputs/summary-compact.js';
import { JSON_OPTION, type CommandSpec } from '../spec.js';

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'generate example telemetry in every format, ingest it, and compare what each tool saw',
  description:
    'Writes one seeded synthetic serving run as each benchmark client, model server and trace format inferscope reads would record it, into --dir; ingests every file into --db with the label source=<format>; and prints `summary --by label:source --compact` with an SLO: the same run, normalised onto one set of metric definitions. Re-running is safe: identical files are not ingested twice.',
  options: [
    {
      flags: '--dir <dir>',
      description: 'where to write the example files',
      default: join(tmpdir(), 'inferscope-demo'),
    },
    {
      flags: '--db <file>',
      description: 'DuckDB database file for the demo',
      default: join(tmpdir(), 'inferscope-demo', 'demo.duckdb'),
    },
    { flags: '--seed <n>', description: 'random seed of the synthetic run', default: '42' },
    JSON_OPTION,
  ],
  examples: ['inferscope demo', 'inferscope demo --dir ./example --db ./example/demo.duckdb'],
  async run(_args, options, io) {
    const dir = options.dir as string;
    await fs.mkdir(dir, { recursive: true });
    const { files } = await writeExamples(dir, { seed: Number(options.seed) });
    const store = await Store.open(options.db as string);
    try {
      for (const f of files) {
        const labels = { ...f.labels, source: f.format };
        const r = await ingestFile(store, f.path, { format: f.format, labels });
        if (!options.json)
          io.err(
            `${r.status === 'skipped' ? 'already stored' : 'ingested'} ${f.path} (${f.format})`,
          );
      }
      const result = await summarize(store, { by: 'label:source', slo: { ttft: 0.2, tpot: 0.05 } });
      io.out(options.json ? toJson(result) : renderSummaryCompact(result));
      if (!options.json) {
        const db = options.db as string;
        io.err(
          [
            '',
            'One synthetic run, as each tool and server recorded it, normalised onto the definitions of docs/metrics.md.',
            `The store is ${db}; next, try:`,
            `  inferscope summary --db ${db} --by pool --slo ttft=200ms,tpot=50ms`,
            `  inferscope sql --db ${db} "SELECT format, count(*) AS requests, quantile_cont(ttft_s, 0.99) AS ttft_p99 FROM requests GROUP BY format"`,
            `  inferscope sql --db ${db} --schema`,
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
