/**
 * @module Generates docs/cli.md and docs/schema.md from the command table, the zod schemas and the
 * view definitions, so the docs cannot drift (a test compares them; `npm run docs` rewrites them).
 */

import { existsSync } from 'node:fs';
import { columnsOf, TABLE_NAMES } from '../schema/ddl.js';
import { FORMATS } from '../sources/registry.js';
import { REQUEST_FLAGS } from '../schema/checks.js';
import { VIEWS } from '../store/views.js';
import { COMMANDS } from './commands.js';

export function renderCliReference(): string {
  const out = [
    '# CLI reference',
    '',
    '<!-- generated from src/cli/commands.ts by `npm run docs`; do not edit by hand -->',
    '',
    'Every command prints `--help` with these flags and examples. Report commands take `--json`.',
    '',
    '| command | what it does |',
    '| --- | --- |',
    ...COMMANDS.map(
      (c) => `| \`inferscope ${c.name}${c.args ? ` ${c.args}` : ''}\` | ${c.summary} |`,
    ),
    '',
  ];
  for (const c of COMMANDS) {
    out.push(`## inferscope ${c.name}`, '', c.description ?? c.summary, '');
    if (c.options.length) {
      out.push('| flag | meaning | default |', '| --- | --- | --- |');
      for (const o of c.options) {
        const def = o.default === undefined ? '' : `\`${String(o.default)}\``;
        out.push(
          `| \`${o.flags}\` | ${o.description}${o.repeatable ? ' (repeatable)' : ''} | ${def.replace(/\/tmp\/[^`]*/, '(temp dir)')} |`,
        );
      }
      out.push('');
    }
    out.push('```sh', ...c.examples, '```', '');
  }
  out.push(
    '## Exit codes',
    '',
    '| code | meaning |',
    '| --- | --- |',
    '| 0 | success |',
    '| 1 | internal error (a bug: please report it with the stack trace) |',
    '| 2 | usage error: unknown flag or bad value (`USAGE`) |',
    '| 3 | input error: file missing, unknown format, malformed or invalid file, bad `--map` (`FILE_NOT_FOUND`, `UNKNOWN_FORMAT`, `PARSE_ERROR`, `INVALID_RECORD`, `MAPPING_ERROR`) |',
    '| 4 | store or query error (`STORE_ERROR`, `QUERY_ERROR`) |',
    '| 5 | nothing to report (`NO_DATA`) |',
    '',
    'Errors print as `error[CODE]: message`, then `at file:line field ...` and a `hint:` saying what to do.',
    '',
  );
  return out.join('\n');
}

export function renderSchemaReference(): string {
  const out = [
    '# Canonical schema',
    '',
    '<!-- generated from src/schema/records.ts and src/store/views.ts by `npm run docs`; do not edit by hand -->',
    '',
    "Timestamps are int64 nanoseconds (`_ns`) on the record's `clock`: `epoch` (Unix epoch), `run` (an origin shared",
    "by the run) or `request` (the request's own start; only durations known). Durations are float seconds (`_s`).",
    'Metric definitions: [metrics.md](metrics.md). Query with `inferscope sql "..."`.',
    '',
    '## Views',
    '',
    '| view | what |',
    '| --- | --- |',
    ...VIEWS.map((v) => `| \`${v.name}\` | ${v.doc} |`),
    '',
    '## Timing flags',
    '',
    'Requests whose timings fail a check keep their row, carry the flag in `flags`, and are left out of latency statistics.',
    '',
    '| flag | meaning |',
    '| --- | --- |',
    ...Object.entries(REQUEST_FLAGS).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
    '## Tables',
    '',
  ];
  for (const t of TABLE_NAMES) {
    out.push(`### ${t}`, '', '| column | type | null | meaning |', '| --- | --- | --- | --- |');
    for (const c of columnsOf(t))
      out.push(
        `| \`${c.name}\` | ${c.sql.startsWith('ENUM') ? 'ENUM' : c.sql} | ${c.nullable ? 'yes' : 'no'} | ${c.doc.replace(/\|/g, '\\|')} |`,
      );
    out.push('');
  }
  return out.join('\n');
}

/** docs/formats.md: every reader, how it is recognised, and a link to its detailed page. */
export function renderFormatsReference(docsDir = 'docs'): string {
  const out = [
    '# Input formats',
    '',
    '<!-- generated from src/sources/registry.ts by `npm run docs`; do not edit by hand -->',
    '',
    '`inferscope ingest` sniffs each file (the first 64 KiB) and asks every reader for a score; the',
    'highest wins. `--format NAME` forces a reader. `inferscope formats` prints this list.',
    '',
    '| format | reads | extensions | details |',
    '| --- | --- | --- | --- |',
  ];
  for (const f of FORMATS) {
    const page = `formats/${f.name}.md`;
    const link = existsSync(`${docsDir}/${page}`) ? `[${page}](${page})` : '';
    out.push(`| \`${f.name}\` | ${f.title} | ${f.extensions.join(' ')} | ${link} |`);
  }
  out.push('', '## How each is recognised', '');
  for (const f of FORMATS) out.push(`- **${f.name}**: ${f.recognizes}`);
  out.push('');
  return out.join('\n');
}
