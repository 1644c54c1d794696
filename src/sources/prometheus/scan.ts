/**
 * @module First pass over a scrape: the declared metric types, the native names per server and
 * the vLLM version markers. Alias resolution needs the whole file's names (deprecated and
 * current names can both be present), so this runs before any record is emitted.
 */

import { InferscopeError } from '../../base/errors.js';
import { readTextLines } from '../read.js';
import { lookupAlias, serverOfName } from './aliases.js';
import { familyOf, isCreatedSeries, kindOf, nativeNameOf } from './families.js';
import { LineError, parseLine, type MetricType, type ParsedLine } from './line-parser.js';

export interface ScrapeScan {
  types: Map<string, MetricType>;
  /** OpenMetrics (`# EOF` or `# UNIT` seen): timestamps are in seconds, not milliseconds. */
  openMetrics: boolean;
  /** Server → native names present. */
  present: Map<string, Set<string>>;
  /** Servers whose samples carry vLLM V1's `engine` label. */
  engineLabel: Set<string>;
  /** Server of names without a known prefix (python_*, process_*, http_*). */
  dominant: string;
}

/** Wraps a line error into a PARSE_ERROR naming the file, line and column. */
export function lineParseError(e: LineError, file: string, line: number): InferscopeError {
  return new InferscopeError('PARSE_ERROR', `${e.message} (column ${e.column})`, {
    file,
    format: 'prometheus',
    line,
    hint: 'fix the line (Prometheus text exposition format); nothing from this file was written',
  });
}

/** Streams a scrape as parsed lines; a malformed line is a PARSE_ERROR naming its number. */
export async function* readParsedLines(
  path: string,
  onProgress?: (bytes: number) => void,
): AsyncGenerator<{ parsed: ParsedLine; line: number }> {
  for await (const { text, line } of readTextLines(path, onProgress)) {
    try {
      yield { parsed: parseLine(text), line };
    } catch (e) {
      if (e instanceof LineError) throw lineParseError(e, path, line);
      throw e;
    }
  }
}

export async function scanScrape(path: string): Promise<ScrapeScan> {
  const types = new Map<string, MetricType>();
  const names = new Set<string>();
  const engineNames = new Set<string>();
  let openMetrics = false;
  for await (const { parsed, line } of readParsedLines(path)) {
    if (parsed.kind === 'eof' || parsed.kind === 'unit') openMetrics = true;
    if (parsed.kind === 'type') {
      const before = types.get(parsed.name);
      if (before && before !== parsed.type) {
        throw new InferscopeError(
          'PARSE_ERROR',
          `metric "${parsed.name}" is declared ${before} and then ${parsed.type}`,
          {
            file: path,
            format: 'prometheus',
            line,
            hint: 'a metric family has one type; fix the # TYPE lines',
          },
        );
      }
      types.set(parsed.name, parsed.type);
    }
    if (parsed.kind === 'sample') {
      names.add(parsed.name);
      if (parsed.labels.some(([k]) => k === 'engine')) engineNames.add(parsed.name);
    }
  }
  // Scrapes stripped of comments still group the histograms we know by name.
  for (const n of names) {
    if (familyOf(n, types).type) continue;
    const m = /^(.*)_(bucket|sum|count)$/.exec(n);
    if (!m || types.has(m[1])) continue;
    const server = serverOfName(m[1]);
    if (server && lookupAlias(server, m[1], {})?.kind === 'histogram') types.set(m[1], 'histogram');
  }
  const present = new Map<string, Set<string>>();
  const engineLabel = new Set<string>();
  const unprefixed: string[] = [];
  for (const n of names) {
    const ref = familyOf(n, types);
    if (isCreatedSeries(ref, types)) continue;
    const native = nativeNameOf(ref, kindOf(ref.type, ref.family));
    const server = serverOfName(native);
    if (!server) {
      unprefixed.push(native);
      continue;
    }
    if (!present.has(server)) present.set(server, new Set());
    present.get(server)!.add(native);
    if (engineNames.has(n)) engineLabel.add(server);
  }
  let dominant = 'unknown';
  let most = 0;
  for (const [server, set] of present) {
    if (set.size > most) {
      most = set.size;
      dominant = server;
    }
  }
  if (unprefixed.length) {
    if (!present.has(dominant)) present.set(dominant, new Set());
    for (const n of unprefixed) present.get(dominant)!.add(n);
  }
  return { types, openMetrics, present, engineLabel, dominant };
}
