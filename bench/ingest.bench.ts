/**
 * @module Ingest speed: a generated request trace (CSV and JSON lines, canonical column names)
 * through `ingestFile` into a fresh store, against DuckDB loading the same file into a plain
 * table (`CREATE TABLE t AS SELECT * FROM read_csv(...)` / `read_json(...)`), in the same run.
 * Target: ours ≥ 0.5 × DuckDB's rows/s.
 */

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { writeSyntheticTrace } from '../src/examples/request-trace.js';
import { ingestFile } from '../src/store/ingest.js';
import { Store } from '../src/store/store.js';
import { benchDir, median, removeDb, timed } from './common.js';

export interface IngestBenchOptions {
  rows: number;
  repeat: number;
  log?: (line: string) => void;
}

export interface IngestBenchResult {
  kind: 'csv' | 'jsonl';
  rows: number;
  bytes: number;
  ours_s: number[];
  duckdb_s: number[];
  ours_rows_per_s: number;
  duckdb_rows_per_s: number;
  /** ours / DuckDB in rows/s (target ≥ 0.5). */
  ratio: number;
}

const READER = { csv: 'read_csv', jsonl: 'read_json' } as const;

export async function benchIngest(o: IngestBenchOptions): Promise<IngestBenchResult[]> {
  const log = o.log ?? (() => undefined);
  const { dir, cleanup } = benchDir('inferscope-bench-ingest-');
  const results: IngestBenchResult[] = [];
  try {
    for (const kind of ['csv', 'jsonl'] as const) {
      const path = join(dir, `trace.${kind}`);
      const genS = await timed(() => writeSyntheticTrace(path, { rows: o.rows, kind }));
      const bytes = statSync(path).size;
      log(
        `generated ${path}: ${o.rows} rows, ${(bytes / 1e6).toFixed(0)} MB in ${genS.toFixed(1)} s`,
      );
      const ours: number[] = [];
      const duck: number[] = [];
      for (let i = 0; i < o.repeat; i++) {
        // Alternate the order so neither side always runs on a warmer page cache.
        const runs = [
          async () => {
            const db = join(dir, `ours-${i}.duckdb`);
            const store = await Store.open(db);
            try {
              let n = 0;
              ours.push(
                await timed(async () => {
                  const r = await ingestFile(store, path, { format: 'request-trace' });
                  n = r.counts.request ?? 0;
                }),
              );
              if (n !== o.rows) throw new Error(`ingested ${n} rows, expected ${o.rows}`);
            } finally {
              store.close();
              removeDb(db);
            }
          },
          async () => {
            const db = join(dir, `duckdb-${i}.duckdb`);
            const store = await Store.open(db);
            try {
              duck.push(
                await timed(() =>
                  store.run(`CREATE TABLE t AS SELECT * FROM ${READER[kind]}('${path}')`),
                ),
              );
            } finally {
              store.close();
              removeDb(db);
            }
          },
        ];
        if (i % 2) runs.reverse();
        for (const run of runs) await run();
        log(`  ${kind} #${i + 1}: ours ${ours[i].toFixed(2)} s, duckdb ${duck[i].toFixed(2)} s`);
      }
      const oursRate = o.rows / median(ours);
      const duckRate = o.rows / median(duck);
      results.push({
        kind,
        rows: o.rows,
        bytes,
        ours_s: ours,
        duckdb_s: duck,
        ours_rows_per_s: oursRate,
        duckdb_rows_per_s: duckRate,
        ratio: oursRate / duckRate,
      });
    }
  } finally {
    cleanup();
  }
  return results;
}
