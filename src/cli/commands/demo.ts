/** @module `inferscope demo`: generate example telemetry, ingest it, and summarise it. */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { summarize } from '../../analyses/summary/summary.js';
import { writeExamples } from '../../examples/write-examples.js';
import { ingestFile } from '../../store/ingest.js';
import { Store } from '../../store/store.js';
import { toJson } from '../../outputs/json.js';
import { renderSummary } from '../../outputs/summary-text.js';
import { JSON_OPTION, type CommandSpec } from '../spec.js';

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'generate example telemetry, ingest it and print its summary by pool',
  description:
    'Writes a seeded synthetic serving run in the formats inferscope reads into --dir, ingests it into --db (a fresh file) and prints `summary --by pool` with an SLO. Re-running is safe: identical files are not ingested twice.',
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
        const r = await ingestFile(store, f.path, { format: f.format, labels: f.labels });
        if (!options.json)
          io.err(
            `${r.status === 'skipped' ? 'already stored' : 'ingested'} ${f.path} (${f.format})`,
          );
      }
      const result = await summarize(store, { by: 'pool', slo: { ttft: 0.2, tpot: 0.05 } });
      io.out(options.json ? toJson(result) : renderSummary(result));
      if (!options.json) {
        io.err(
          `\nThe store is ${options.db as string}; try:\n  inferscope sql --db ${options.db as string} "SELECT pool, count(*), quantile_cont(ttft_s, 0.99) FROM requests GROUP BY pool"`,
        );
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
