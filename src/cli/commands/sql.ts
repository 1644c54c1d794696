/** @module `inferscope sql`: ad-hoc SQL over the canonical views. */

import { Store } from '../../store/store.js';
import { VIEWS } from '../../store/views.js';
import { columnsOf, TABLE_NAMES } from '../../schema/ddl.js';
import { toJson } from '../../outputs/json.js';
import { renderTable } from '../../outputs/table.js';
import { DB_OPTION, JSON_OPTION, type CommandSpec } from '../spec.js';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return toJson(v).replace(/\s+/g, ' ');
  return String(v);
}

export const sqlCommand: CommandSpec = {
  name: 'sql',
  args: '[query]',
  summary: 'run SQL over the canonical views (requests, chunks, metric_samples, runs, ...)',
  description:
    'The views are documented in docs/schema.md and listed by --schema. Timestamps are int64 ns; derived latencies (ttft_s, tpot_s, e2e_s, ...) are seconds. The database is opened read-only.',
  options: [
    DB_OPTION,
    { flags: '--schema', description: 'list the views and tables with their columns' },
    JSON_OPTION,
  ],
  examples: [
    'inferscope sql "SELECT pool, quantile_cont(ttft_s, 0.99) AS p99 FROM requests GROUP BY pool"',
    'inferscope sql --schema',
  ],
  async run(args, options, io) {
    if (options.schema || args.length === 0) {
      const views = VIEWS.map((v) => ({ name: v.name, kind: 'view', doc: v.doc }));
      const tables = TABLE_NAMES.map((t) => ({
        name: t,
        kind: 'table',
        columns: columnsOf(t).map(
          (c) => `${c.name} ${c.sql}${c.nullable ? '' : ' NOT NULL'} — ${c.doc}`,
        ),
      }));
      if (options.json) io.out(toJson({ views, tables }));
      else {
        io.out(
          renderTable(
            ['view', 'what'],
            views.map((v) => [v.name, v.doc]),
            { maxWidth: 100 },
          ),
        );
        for (const t of tables)
          io.out(`\ntable ${t.name}\n${t.columns.map((c) => `  ${c}`).join('\n')}`);
      }
      return 0;
    }
    const store = await Store.open(options.db as string, { readOnly: true });
    try {
      const rows = await store.queryRaw(args[0]);
      if (options.json) io.out(toJson(rows));
      else if (rows.length === 0) io.out('(no rows)');
      else {
        const header = Object.keys(rows[0]);
        io.out(
          renderTable(
            header,
            rows.map((r) => header.map((h) => cell(r[h]))),
          ),
        );
        io.out(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
