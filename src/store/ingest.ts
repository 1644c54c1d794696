/**
 * @module Ingest of one file: digest → skip if already stored → sniff → parse into the canonical
 * tables inside one transaction → provenance row. Nothing half-written: any error rolls back.
 */

import { InferscopeError } from '../base/errors.js';
import { fileDigest } from '../base/digest.js';
import { SCHEMA_VERSION } from '../schema/migrations.js';
import { readProbe } from '../sources/read.js';
import { FORMATS, formatByName, sniff } from '../sources/registry.js';
import type { ReadOptions, Warning } from '../sources/source.js';
import { StoreSink } from './sink.js';
import type { Store } from './store.js';

export interface IngestOptions extends ReadOptions {
  /** Format name, or `auto` (default) to sniff. */
  format?: string;
  labels?: Record<string, string>;
}

export interface IngestResult {
  path: string;
  ingestId: string;
  format: string;
  /** `skipped`: the same content was ingested before (no-op). */
  status: 'ingested' | 'skipped';
  counts: Record<string, number>;
  flags: Record<string, number>;
  warnings: Warning[];
  warningCount: number;
}

export async function ingestFile(
  store: Store,
  path: string,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const probe = await readProbe(path);
  const digest = await fileDigest(path);
  const ingestId = digest.slice(0, 16);
  const existing = await store.query(
    `SELECT format, counts FROM ingest WHERE ingest_id = ?`,
    { format: 'text', counts: 'text' },
    [ingestId],
  );
  if (existing.length > 0) {
    return {
      path,
      ingestId,
      format: existing[0].format,
      status: 'skipped',
      counts: JSON.parse(existing[0].counts) as Record<string, number>,
      flags: {},
      warnings: [],
      warningCount: 0,
    };
  }

  const forced =
    options.format && options.format !== 'auto' ? formatByName(options.format) : undefined;
  const detected = forced ? undefined : sniff(probe);
  const format = forced ?? detected?.format;
  if (!format) {
    throw new InferscopeError('UNKNOWN_FORMAT', `no reader recognises ${path}`, {
      file: path,
      hint: `tried ${FORMATS.map((f) => f.name).join(', ')}; force one with --format NAME (list: inferscope formats)`,
    });
  }

  const sink = new StoreSink(store, ingestId, path, format.name);
  await store.transaction(async () => {
    await sink.open();
    try {
      await format.read(path, sink, options);
    } catch (e) {
      try {
        sink.closeAppenders();
      } catch {
        // the transaction is rolled back anyway
      }
      throw withFileContext(e, path, format.name);
    }
    await sink.finish();
    await store.run(`INSERT INTO ingest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      ingestId,
      path,
      digest,
      format.name,
      probe.size,
      BigInt(Date.now()) * 1_000_000n,
      JSON.stringify(options.labels ?? {}),
      JSON.stringify(sink.totals.counts),
      JSON.stringify(sink.totals.flags),
      SCHEMA_VERSION,
    ]);
  });
  return {
    path,
    ingestId,
    format: format.name,
    status: 'ingested',
    counts: sink.totals.counts,
    flags: sink.totals.flags,
    warnings: sink.totals.warnings,
    warningCount: sink.warnings,
  };
}

function withFileContext(e: unknown, path: string, format: string): Error {
  if (e instanceof InferscopeError) {
    if (!e.context.file) (e.context as { file?: string }).file = path;
    if (!e.context.format) (e.context as { format?: string }).format = format;
    return e;
  }
  const message = e instanceof Error ? e.message : String(e);
  // Errors in our own SQL or code are bugs, not the file's fault: let them surface as such.
  if (!/^(Invalid Input|Conversion|Out of Range|Invalid) Error/i.test(message)) {
    return e instanceof Error ? e : new Error(message);
  }
  // DuckDB reader errors carry the line: surface them as parse errors of the file.
  const line = /line[: ]+(\d+)/i.exec(message);
  return new InferscopeError('PARSE_ERROR', message.split('\n')[0], {
    file: path,
    format,
    line: line ? Number(line[1]) : undefined,
    hint: 'the file does not parse as ' + format + '; nothing from it was written',
    cause: e,
  });
}
