/** @module File reading shared by sources: probes, whole JSON documents, JSON lines, gzip. */

import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { InferscopeError } from '../base/errors.js';
import { rewriteJsonNumbers } from './exact-json.js';
import type { Location, Probe } from './source.js';

export interface JsonReadOptions {
  /** Keep integers beyond 2^53 as digit strings and Python's NaN/Infinity as strings (exact-json.ts). */
  exact?: boolean;
}

const PROBE_BYTES = 64 * 1024;
/** Whole-document JSON formats are parsed in memory; beyond this, ask for JSONL or CSV. */
export const MAX_JSON_DOCUMENT_BYTES = 1024 * 1024 * 1024;

function extOf(path: string): { ext: string; gzip: boolean } {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const dot = base.lastIndexOf('.');
  const slash = base.lastIndexOf('/');
  return { ext: dot > slash ? base.slice(dot) : '', gzip };
}

/** Reads the first 64 KiB of a file (decompressing .gz) for sniffing. */
export async function readProbe(path: string): Promise<Probe> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    throw new InferscopeError('FILE_NOT_FOUND', `cannot read ${path}`, {
      file: path,
      hint: 'check the path; directories are expanded only by `inferscope ingest`',
    });
  }
  const { ext, gzip } = extOf(path);
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(PROBE_BYTES, stat.size));
    await fh.read(buf, 0, buf.length, 0);
    let head = buf;
    if (gzip) {
      try {
        head = gunzipSync(buf, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a cut stream */ });
      } catch {
        head = Buffer.alloc(0);
      }
    }
    return {
      path,
      ext,
      gzip,
      size: stat.size,
      head: head.subarray(0, PROBE_BYTES).toString('utf8'),
    };
  } finally {
    await fh.close();
  }
}

function openText(path: string, onProgress?: (bytes: number) => void): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onProgress) {
    let bytes = 0;
    raw.on('data', (chunk) => {
      bytes += (chunk as Buffer).length;
      onProgress(bytes);
    });
  }
  return extOf(path).gzip ? raw.pipe(createGunzip()) : raw;
}

/** Line and column of a character offset in a text. */
export function lineOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** Parses JSON text, turning a syntax error into PARSE_ERROR with line and byte position. */
/**
 * Python's json module writes bare `NaN`, `Infinity` and `-Infinity`, which JSON forbids. Rewrites
 * those tokens outside strings (NaN → null, ±Infinity → ±1e999, which parses to ±Infinity), or
 * returns undefined when there are none.
 */
export function pythonJsonToStrict(text: string): string | undefined {
  let out = '';
  let last = 0;
  let inString = false;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    for (const [token, value] of [
      ['NaN', 'null'],
      ['-Infinity', '-1e999'],
      ['Infinity', '1e999'],
    ] as const) {
      if (text.startsWith(token, i)) {
        out += text.slice(last, i) + value;
        i += token.length - 1;
        last = i + 1;
        changed = true;
        break;
      }
    }
  }
  return changed ? out + text.slice(last) : undefined;
}

export function parseJsonText(
  raw: string,
  file: string,
  format: string,
  baseLine = 1,
  options: JsonReadOptions = {},
): unknown {
  const text = options.exact ? rewriteJsonNumbers(raw) : raw;
  try {
    return JSON.parse(text);
  } catch (e) {
    const strict = pythonJsonToStrict(text);
    if (strict !== undefined) {
      try {
        return JSON.parse(strict);
      } catch {
        // fall through: report the original error
      }
    }
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const truncated = /end of JSON input|Unterminated/i.test(msg);
    const offset = pos ? Number(pos[1]) : text.length;
    const { line } = lineOf(text, offset);
    throw new InferscopeError(
      'PARSE_ERROR',
      `${truncated ? 'truncated' : 'malformed'} JSON: ${msg}`,
      {
        file,
        format,
        line: baseLine + line - 1,
        offset: baseLine === 1 ? offset : undefined,
        hint: truncated
          ? 'the file ends mid-document; re-export it or copy it again'
          : 'fix the JSON at that position; nothing from this file was written',
      },
    );
  }
}

/** Reads and parses a whole JSON document (gzip allowed). */
export async function readJsonDocument(
  path: string,
  format: string,
  options: JsonReadOptions = {},
): Promise<unknown> {
  const stat = await fs.stat(path);
  if (stat.size > MAX_JSON_DOCUMENT_BYTES) {
    throw new InferscopeError(
      'PARSE_ERROR',
      `${format} files are single JSON documents and this one is ${stat.size} bytes`,
      {
        file: path,
        format,
        hint: 'split it, or export per-request data as JSONL/CSV and ingest that',
      },
    );
  }
  let buf = await fs.readFile(path);
  if (extOf(path).gzip) buf = gunzipSync(buf);
  return parseJsonText(buf.toString('utf8'), path, format, 1, options);
}

/** Streams a JSON-lines file; yields each non-blank line parsed, with its 1-based line number. */
export async function* readJsonLines(
  path: string,
  format: string,
  onProgress?: (bytes: number) => void,
  options: JsonReadOptions = {},
): AsyncGenerator<{ value: unknown; line: number }> {
  const rl = createInterface({ input: openText(path, onProgress), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    yield { value: parseJsonText(text, path, format, line, options), line };
  }
}

/** Streams a text file line by line with 1-based line numbers. */
export async function* readTextLines(
  path: string,
  onProgress?: (bytes: number) => void,
): AsyncGenerator<{ text: string; line: number }> {
  const rl = createInterface({ input: openText(path, onProgress), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { text, line };
  }
}

/**
 * Validates a parsed value against a zod schema of the input format. The first issue becomes a
 * PARSE_ERROR naming the field path (prefixed by `at.pointer`) and line.
 */
export function validateInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  ctx: { file: string; format: string; at?: Location },
): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const field = `${ctx.at?.pointer ?? ''}${path}`.replace(/^\./, '') || '(document)';
  throw new InferscopeError('PARSE_ERROR', `${ctx.format}: ${field}: ${issue.message}`, {
    file: ctx.file,
    format: ctx.format,
    line: ctx.at?.line,
    field,
    hint: `this does not look like a valid ${ctx.format} file; force another with --format NAME, or fix the field`,
  });
}
