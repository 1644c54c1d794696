/**
 * @module Ingest of one file: digest → skip if already stored → sniff → parse into the canonical
 * tables inside one transaction → provenance row. Nothing half-written: any error rolls back.
 */

import { InferscopeError } from '../base/errors.js';
import { fileDigest, fileFingerprint } from '../base/digest.js';
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
  // The ingest is named by a cheap fingerprint so that the full SHA-256 can run while the file
  // loads. A known fingerprint means the same file is likely stored: settle that first.
  let ingestId = (await fileFingerprint(path, probe.size)).slice(0, 16);
  let digest: Promise<string>;
  const known = await store.query(`SELECT 1 AS x FROM ingest WHERE ingest_id = ?`, { x: 'int' }, [
    ingestId,
  ]);
  if (known.length > 0) {
    const full = await fileDigest(path);
    const existing = await store.query(
      `SELECT ingest_id, format, counts FROM ingest WHERE digest_sha256 = ?`,
      { ingest_id: 'text', format: 'text', counts: 'text' },
      [full],
    );
    if (existing.length > 0) {
      return {
        path,
        ingestId: existing[0].ingest_id,
        format: existing[0].format,
        status: 'skipped',
        counts: JSON.parse(existing[0].counts) as Record<string, number>,
        flags: {},
        warnings: [],
        warningCount: 0,
      };
    }
    // Same size, head and tail, other content: name this one by its full digest instead.
    ingestId = full.slice(0, 16);
    digest = Promise.resolve(full);
  } else {
    digest = fileDigest(path);
    digest.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
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
      await digest,
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

const DATA_ERROR = /^(Invalid Input|Conversion|Out of Range|Invalid) Error/i;

function withFileContext(e: unknown, path: string, format: string): Error {
  // The store wraps DuckDB errors as QUERY_ERROR; a reader's data error is the file's fault.
  const duckMessage =
    e instanceof InferscopeError
      ? e.code === 'QUERY_ERROR' && DATA_ERROR.test(e.message)
        ? e.message
        : undefined
      : e instanceof Error && DATA_ERROR.test(e.message)
        ? e.message
        : undefined;
  if (duckMessage === undefined) {
    if (e instanceof InferscopeError) {
      if (!e.context.file) (e.context as { file?: string }).file = path;
      if (!e.context.format) (e.context as { format?: string }).format = format;
      return e;
    }
    // Errors in our own SQL or code are bugs, not the file's fault: let them surface as such.
    return e instanceof Error ? e : new Error(String(e));
  }
  const line = /line[: ]+(\d+)/i.exec(duckMessage);
  return new InferscopeError('PARSE_ERROR', duckMessage.split('\n').slice(0, 3).join(' ').trim(), {
    file: path,
    format,
    line: line ? Number(line[1]) : undefined,
    hint: `the file does not parse as ${format}; nothing from it was written`,
    cause: e,
  });
}
