/** @module `inferscope ingest`: load telemetry files into the store, one transaction per file. */

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { InferscopeError, isInferscopeError } from '../../base/errors.js';
import { ingestFile, type IngestResult } from '../../store/ingest.js';
import { Store } from '../../store/store.js';
import { toJson } from '../../outputs/json.js';
import { renderTable } from '../../outputs/table.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { DB_OPTION, JSON_OPTION, type CommandSpec } from '../spec.js';

const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/** Parses `k=v` pairs (from repeated --label / --map flags). */
export function parsePairs(pairs: string[] | undefined, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) {
      throw new InferscopeError('USAGE', `expected key=value, got "${p}"`, {
        field,
        hint: `for example --${field} pool=a`,
      });
    }
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

/** Expands directories (recursively, skipping hidden entries) into files, sorted. */
async function expand(paths: string[]): Promise<{ path: string; fromDir: boolean }[]> {
  const out: { path: string; fromDir: boolean }[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push({ path: p, fromDir: true });
    }
  };
  for (const p of paths) {
    const st = await fs.stat(p).catch(() => undefined);
    if (st?.isDirectory()) await walk(p);
    else out.push({ path: p, fromDir: false });
  }
  return out;
}

export const ingestCommand: CommandSpec = {
  name: 'ingest',
  args: '<paths...>',
  summary: 'ingest telemetry files (or directories) into the store',
  description:
    'Each file is sniffed (or --format forces a reader), parsed into canonical records and written in one transaction with its provenance. Re-ingesting the same content is a no-op. In a directory, files no reader recognises are skipped with a note.',
  options: [
    DB_OPTION,
    {
      flags: '--format <name>',
      description: 'reader to use, or auto to sniff (see `inferscope formats`)',
      default: 'auto',
    },
    {
      flags: '--label <k=v>',
      description:
        'label attached to the records, e.g. pool=a, config=fp8, hardware=h100 (repeatable)',
      repeatable: true,
    },
    {
      flags: '--map <column=field>',
      description:
        'generic request traces: source column for a canonical field (repeatable; docs/formats/request-trace.md)',
      repeatable: true,
    },
    {
      flags: '--scrape-time <time>',
      description:
        'Prometheus text files without timestamps: scrape time (ISO-8601 or epoch seconds); default the file mtime',
    },
    JSON_OPTION,
  ],
  examples: [
    'inferscope ingest results/vllm-bench-qps4.json --label pool=a --label hardware=h100',
    'inferscope ingest scrapes/ --format prometheus --scrape-time 2026-11-20T10:00:00Z',
    'inferscope ingest trace.csv --format request-trace --map arrival_s=t_client_send_s --map in=prompt_tokens',
  ],
  async run(args, options, io) {
    const labels = parsePairs(options.label as string[] | undefined, 'label');
    const map = parsePairs(options.map as string[] | undefined, 'map');
    let scrapeTimeNs: bigint | undefined;
    if (typeof options.scrapeTime === 'string') {
      const t = options.scrapeTime;
      const ms = /^[0-9.]+$/.test(t) ? Number(t) * 1000 : Date.parse(t);
      if (Number.isNaN(ms))
        throw new InferscopeError('USAGE', `cannot read --scrape-time "${t}"`, {
          field: 'scrape-time',
          hint: 'ISO-8601 or epoch seconds',
        });
      scrapeTimeNs = BigInt(Math.round(ms)) * 1_000_000n;
    }
    const files = await expand(args);
    const store = await Store.open(options.db as string);
    const results: (
      | IngestResult
      | { path: string; status: 'failed' | 'unrecognised'; error: Record<string, unknown> }
    )[] = [];
    let exit: number = EXIT.ok;
    try {
      for (const f of files) {
        const size = (await fs.stat(f.path).catch(() => undefined))?.size ?? 0;
        const bar =
          io.interactive && !options.json && size >= PROGRESS_MIN_BYTES
            ? new cliProgress.SingleBar(
                { format: `${f.path} [{bar}] {percentage}% {value}/{total} MB`, hideCursor: true },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(Math.ceil(size / 1e6), 0);
        try {
          const r = await ingestFile(store, f.path, {
            format: options.format as string,
            labels,
            map: Object.keys(map).length ? map : undefined,
            scrapeTimeNs,
            onProgress: bar ? (b) => bar.update(Math.floor(b / 1e6)) : undefined,
          });
          results.push(r);
        } catch (e) {
          if (!isInferscopeError(e)) throw e;
          if (f.fromDir && e.code === 'UNKNOWN_FORMAT') {
            results.push({ path: f.path, status: 'unrecognised', error: e.toJSON() });
            continue;
          }
          results.push({ path: f.path, status: 'failed', error: e.toJSON() });
          if (!options.json) io.err(e.describe());
          exit = Math.max(exit, exitCodeFor(e.code));
        } finally {
          bar?.stop();
        }
      }
    } finally {
      store.close();
    }
    if (options.json) {
      io.out(toJson({ db: options.db, files: results }));
      return exit;
    }
    const rows = results.map((r) => {
      if ('error' in r) return [r.path, r.status, '', String(r.error.code)];
      const counts = Object.entries(r.counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      const flags = Object.entries(r.flags)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      return [
        r.path,
        r.status === 'skipped' ? 'already stored' : r.format,
        counts || '(no records)',
        flags ? `flagged: ${flags}` : '',
      ];
    });
    io.out(renderTable(['file', 'format', 'records', 'notes'], rows, { maxWidth: 80 }));
    for (const r of results) {
      if ('warnings' in r && r.warningCount > 0) {
        io.err(`${r.path}: ${r.warningCount} warning(s)`);
        for (const w of r.warnings.slice(0, 5))
          io.err(`  ${w.code}: ${w.message}${w.at?.line ? ` (line ${w.at.line})` : ''}`);
      }
    }
    const skipped = results.filter((r) => r.status === 'unrecognised').length;
    if (skipped)
      io.err(
        `${skipped} file(s) in directories were not recognised and were skipped (see --json for the list)`,
      );
    return exit;
  },
};
