/**
 * @module DuckDB reader failures as PARSE_ERRORs naming the file, line and column. DuckDB's CSV
 * reader says `CSV Error on Line: N`; its JSON reader says `in line N` (for malformed JSON that
 * number runs one ahead in DuckDB 1.5, so the bad line is confirmed by parsing its neighbours).
 */

import { InferscopeError, isInferscopeError } from '../../base/errors.js';
import { readTextLines } from '../read.js';

export interface ReaderContext {
  file: string;
  format: string;
  /** Reader types of the columns (to name the offending JSON key). */
  types: ReadonlyMap<string, string>;
}

/** The text of a DuckDB error (the store wraps it as QUERY_ERROR). */
function rawMessage(e: unknown): string | undefined {
  if (isInferscopeError(e)) return e.code === 'QUERY_ERROR' ? e.message : undefined;
  return e instanceof Error ? e.message : undefined;
}

/** Lines `from`..`to` of a file (1-based, inclusive), with their non-blank record numbers. */
async function linesAround(path: string, from: number, to: number) {
  const out: { line: number; record: number; text: string }[] = [];
  let record = 0;
  for await (const { text, line } of readTextLines(path)) {
    if (text.trim() !== '') record++;
    if (line >= from || record >= from) out.push({ line, record, text });
    if (record > to) break;
  }
  return out;
}

/** The line DuckDB means by "line N" of a malformed JSON record: N or N - 1, whichever fails. */
async function malformedJsonLine(path: string, reported: number): Promise<number> {
  const around = await linesAround(path, reported - 1, reported);
  const candidates = around.filter(
    (l) =>
      l.line === reported - 1 ||
      l.line === reported ||
      l.record === reported - 1 ||
      l.record === reported,
  );
  for (const c of candidates) {
    if (c.text.trim() === '') continue;
    try {
      JSON.parse(c.text);
    } catch {
      return c.line;
    }
  }
  return reported;
}

function wantsNumber(type: string): boolean {
  return /^(BIGINT|INTEGER|DOUBLE|DECIMAL|FLOAT|HUGEINT|UBIGINT)/i.test(type);
}

/** The key of a JSON record whose value does not fit the type the reader was told. */
async function badJsonKey(path: string, line: number, types: ReadonlyMap<string, string>) {
  const around = await linesAround(path, line, line);
  const text = around.find((l) => l.line === line)?.text;
  if (!text) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const [key, type] of types) {
    const v = record[key];
    if (v === null || v === undefined) continue;
    if (
      wantsNumber(type) &&
      typeof v !== 'number' &&
      !(typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
    )
      return key;
    if (/^TIMESTAMP/i.test(type) && typeof v !== 'string') return key;
  }
  return undefined;
}

/**
 * Translates an error thrown while DuckDB read the file; other errors are returned unchanged.
 */
export async function readerError(e: unknown, ctx: ReaderContext): Promise<unknown> {
  const msg = rawMessage(e);
  if (msg === undefined) return e;
  const base = { file: ctx.file, format: ctx.format, cause: e };

  const own = /inferscope: (.*?)(?:\n|$)/.exec(msg);
  if (own) {
    return new InferscopeError('INVALID_RECORD', own[1], {
      ...base,
      hint: 'fix the value or the --map entry; nothing from this file was written',
    });
  }

  const csv = /CSV Error on Line: (\d+)/.exec(msg);
  if (csv) {
    const line = Number(csv[1]);
    const original = /Original Line:\s*\n(.*)\n/.exec(msg)?.[1];
    const conversion = /Error when converting column "([^"]+)"\. (.*?)(?:\n|$)/.exec(msg);
    const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
    const first = msg.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '');
    const reason = conversion
      ? conversion[2]
      : columns
        ? `expected ${columns[1]} fields, found ${columns[2]}`
        : first;
    return new InferscopeError(
      'PARSE_ERROR',
      `line ${line}: ${reason}${original !== undefined ? ` (line: ${JSON.stringify(original.slice(0, 200))})` : ''}`,
      {
        ...base,
        line,
        field: conversion?.[1],
        hint: columns
          ? 'the row has a different number of fields than the header: a truncated file (copy it again) or a malformed row; nothing from this file was written'
          : 'fix the value on that line (or map the column to another field); nothing from this file was written',
      },
    );
  }

  const malformed =
    /Malformed JSON in file "[^"]*", at byte (\d+) in line (\d+): (.*?)\.?\s*(?:\n|$)/.exec(msg);
  if (malformed) {
    const line = await malformedJsonLine(ctx.file, Number(malformed[2]));
    const truncated = /end of data/i.test(malformed[3]);
    return new InferscopeError(
      'PARSE_ERROR',
      `${truncated ? 'truncated' : 'malformed'} JSON on line ${line}: ${malformed[3]}`,
      {
        ...base,
        line,
        hint: truncated
          ? 'the record ends early: the file was cut (copy it again); nothing from this file was written'
          : 'fix the JSON on that line; nothing from this file was written',
      },
    );
  }

  const transform = /JSON transform error in file "[^"]*", in line (\d+): (.*?)(?:\n|$)/.exec(msg);
  if (transform) {
    const line = Number(transform[1]);
    const field = await badJsonKey(ctx.file, line, ctx.types);
    return new InferscopeError(
      'PARSE_ERROR',
      `line ${line}${field ? `, key "${field}"` : ''}: ${transform[2]}`,
      {
        ...base,
        line,
        field,
        hint: 'the value has the wrong type for its field; fix it or map the key to another field; nothing from this file was written',
      },
    );
  }

  if (/^(Conversion|Invalid Input) Error/.test(msg)) {
    return new InferscopeError('PARSE_ERROR', msg.split('\n')[0], {
      ...base,
      hint: 'a value does not convert to its field type; check the --map units; nothing from this file was written',
    });
  }
  return e;
}
