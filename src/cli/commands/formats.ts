/** @module `inferscope formats`: what inferscope reads and how it recognises each format. */

import { FORMATS } from '../../sources/registry.js';
import { toJson } from '../../outputs/json.js';
import { renderTable } from '../../outputs/table.js';
import { JSON_OPTION, type CommandSpec } from '../spec.js';

export const formatsCommand: CommandSpec = {
  name: 'formats',
  summary: 'list the input formats and how each is recognised',
  options: [JSON_OPTION],
  examples: ['inferscope formats', 'inferscope formats --json'],
  async run(_args, options, io) {
    const rows = FORMATS.map((f) => ({
      name: f.name,
      title: f.title,
      extensions: f.extensions,
      recognizes: f.recognizes,
    }));
    if (options.json) {
      io.out(toJson(rows));
      return 0;
    }
    io.out(
      renderTable(
        ['format', 'reads', 'ext'],
        rows.map((r) => [r.name, r.title, r.extensions.join(' ')]),
        { maxWidth: 70 },
      ),
    );
    io.out('\nHow each is recognised (force one with --format NAME):');
    for (const r of rows) io.out(`  ${r.name}: ${r.recognizes}`);
    return 0;
  },
};
