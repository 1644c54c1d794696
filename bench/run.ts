/**
 * @module `npm run bench`: ingest and summary speed against DuckDB baselines measured in the same
 * run; prints machine info and a table of medians. Flags: `--rows N` (ingest rows, default 5M,
 * or BENCH_ROWS), `--summary-rows N` (default 10M, or BENCH_SUMMARY_ROWS), `--repeat N` (3),
 * `--only ingest|summary`, `--json` (print the results as JSON too).
 */

import { Store } from '../src/store/store.js';
import { fmt, machineInfo, median } from './common.js';
import { benchIngest } from './ingest.bench.js';
import { benchSummary } from './summary.bench.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function count(name: string, env: string, fallback: number): number {
  const v = flag(name) ?? process.env[env];
  const n = v === undefined ? fallback : Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

async function duckdbVersion(): Promise<string> {
  const store = await Store.open(':memory:');
  try {
    const [r] = await store.query('SELECT version() AS v', { v: 'text' });
    return r.v;
  } finally {
    store.close();
  }
}

async function main(): Promise<void> {
  const rows = count('rows', 'BENCH_ROWS', 5_000_000);
  const summaryRows = count('summary-rows', 'BENCH_SUMMARY_ROWS', 10_000_000);
  const repeat = count('repeat', 'BENCH_REPEAT', 3);
  const only = flag('only');
  const log = (l: string) => console.error(l);
  const info = { ...machineInfo(), duckdb: await duckdbVersion(), date: new Date().toISOString() };
  console.log(
    `machine: ${info.cores} cores, ${info.cpu}, ${info.memory_gib} GiB, node ${info.node}, DuckDB ${info.duckdb}, ${info.platform}`,
  );
  console.log(`date: ${info.date}; medians of ${repeat} runs\n`);

  const out: Record<string, unknown> = { machine: info };
  if (only !== 'summary') {
    const ingest = await benchIngest({ rows, repeat, log });
    out.ingest = ingest;
    console.log(
      table(
        [
          'ingest',
          'rows',
          'MB',
          'ours',
          'ours rows/s',
          'DuckDB CTAS',
          'DuckDB rows/s',
          'ratio',
          'target ≥ 0.5',
        ],
        ingest.map((r) => [
          r.kind,
          String(r.rows),
          (r.bytes / 1e6).toFixed(0),
          fmt.s(median(r.ours_s)),
          fmt.rate(r.ours_rows_per_s),
          fmt.s(median(r.duckdb_s)),
          fmt.rate(r.duckdb_rows_per_s),
          fmt.ratio(r.ratio),
          r.ratio >= 0.5 ? 'met' : 'MISSED',
        ]),
      ),
    );
    console.log('');
  }
  if (only !== 'ingest') {
    const s = await benchSummary({ rows: summaryRows, repeat, log });
    out.summary = s;
    console.log(
      table(
        ['summary', 'rows', 'summarize()', 'hand-written SQL', 'ratio', 'target ≤ 1.5'],
        [
          [
            'requests',
            String(s.rows),
            fmt.s(median(s.ours_s)),
            fmt.s(median(s.sql_s)),
            fmt.ratio(s.ratio),
            s.ratio <= 1.5 ? 'met' : 'MISSED',
          ],
        ],
      ),
    );
  }
  if (process.argv.includes('--json')) console.log(`\n${JSON.stringify(out, null, 2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
