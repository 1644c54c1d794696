/**
 * @module Prometheus text exposition scrapes (`/metrics` output of vLLM, SGLang, TGI, llama.cpp,
 * Triton/TRT-LLM, ...): one metric_sample per counter/gauge series, one per histogram or
 * summary series (sum and count) with its cumulative buckets, native names mapped onto
 * canonical ids through the (server, version) alias table.
 */

import { promises as fs } from 'node:fs';
import { InferscopeError } from '../../base/errors.js';
import type { RecordSink, SourceFormat } from '../source.js';
import { buildResolver, serverOfName, type AliasResolver } from './aliases.js';
import {
  familyOf,
  isCreatedSeries,
  kindOf,
  nativeNameOf,
  SeriesAssembler,
  sortedLabels,
  type Series,
} from './families.js';
import { parseLine, timestampToNs } from './line-parser.js';
import { readParsedLines, scanScrape, type ScrapeScan } from './scan.js';

const FORMAT = 'prometheus';
const SNIFF_LINES = 200;
/** A probe this long may have been cut (64 KiB, less a multi-byte character). */
const PROBE_FULL = 64 * 1024 - 3;

export const prometheus: SourceFormat = {
  name: FORMAT,
  title: 'Prometheus text exposition (`/metrics` scrapes: vLLM, SGLang, TGI, llama.cpp, Triton)',
  recognizes:
    'a .txt/.prom file (or no extension) whose lines are all `# HELP`/`# TYPE` comments or samples `name{labels} value [timestamp]`; higher with TYPE lines and known server prefixes (vllm:, sglang:, tgi_, llamacpp:, nv_)',
  extensions: ['.txt', '.prom', ''],
  sniff(p) {
    if (!['.txt', '.prom', '.metrics', ''].includes(p.ext)) return 0;
    let lines = p.head.split('\n');
    // The probe may end mid-line.
    const bytes = Buffer.byteLength(p.head);
    if (bytes >= PROBE_FULL || (!p.gzip && bytes < p.size)) lines = lines.slice(0, -1);
    let samples = 0;
    let meta = 0;
    let known = 0;
    for (const text of lines.slice(0, SNIFF_LINES)) {
      let parsed;
      try {
        parsed = parseLine(text.replace(/\r$/, ''));
      } catch {
        return 0;
      }
      if (parsed.kind === 'help' || parsed.kind === 'type') meta++;
      if (parsed.kind === 'sample') {
        samples++;
        if (serverOfName(parsed.name)) known++;
      }
    }
    if (samples === 0 && meta === 0) return 0;
    return 0.5 + (meta > 0 ? 0.3 : 0) + (known > 0 ? 0.15 : 0);
  },
  async read(path, sink, options) {
    const scan = await scanScrape(path);
    const resolver = buildResolver(scan.present, scan.engineLabel);
    for (const d of resolver.demoted) {
      sink.warn({
        code: 'ALIAS_DUPLICATE',
        message: `${d.native} and ${d.winner} both mean "${d.name}"; ${d.winner} is stored as ${d.name}, ${d.native} keeps its native name`,
      });
    }
    const emitter = new SampleEmitter(path, sink, scan, resolver, options.scrapeTimeNs);
    await emitter.resolveFallback();
    const assembler = new SeriesAssembler(
      {
        fail: (message, line, hint) => {
          throw new InferscopeError('PARSE_ERROR', message, {
            file: path,
            format: FORMAT,
            line,
            hint: hint ?? 'fix the line; nothing from this file was written',
          });
        },
        warn: (code, message, line) => sink.warn({ code, message, at: { line } }),
      },
      (s) => emitter.emit(s),
    );
    let created = 0;
    let exemplars = 0;
    let current: string | undefined;
    for await (const { parsed, line } of readParsedLines(path, options.onProgress)) {
      if (parsed.kind === 'eof') assembler.flush();
      if (parsed.kind !== 'sample') continue;
      const ref = familyOf(parsed.name, scan.types);
      if (isCreatedSeries(ref, scan.types)) {
        created++;
        continue;
      }
      if (parsed.exemplar) exemplars++;
      if (ref.family !== current) assembler.flush();
      current = ref.family;
      const kind = kindOf(ref.type, ref.family);
      if (kind === 'histogram' || kind === 'summary') {
        assembler.add(ref, kind, parsed, line);
        continue;
      }
      emitter.emit({
        family: ref.family,
        native: nativeNameOf(ref, kind),
        kind,
        labels: sortedLabels(parsed.labels),
        timestamp: parsed.timestamp,
        value: parsed.value,
        line,
      });
    }
    assembler.flush();
    if (created)
      sink.warn({
        code: 'CREATED_SKIPPED',
        message: `skipped ${created} _created series (creation timestamps, not measurements)`,
      });
    if (exemplars)
      sink.warn({ code: 'EXEMPLARS_SKIPPED', message: `ignored ${exemplars} exemplars` });
    emitter.finish();
  },
};

/** Turns assembled series into metric_sample / metric_bucket records. */
class SampleEmitter {
  private readonly seen = new Set<string>();
  private fallback: bigint | undefined;
  private mtimeUsed = false;
  private nan = 0;

  constructor(
    private readonly path: string,
    private readonly sink: RecordSink,
    private readonly scan: ScrapeScan,
    private readonly resolver: AliasResolver,
    private readonly scrapeTimeNs: bigint | undefined,
  ) {}

  private time(series: Series): bigint {
    if (series.timestamp !== undefined)
      return timestampToNs(series.timestamp, this.scan.openMetrics ? 1_000_000_000n : 1_000_000n);
    if (this.scrapeTimeNs !== undefined) return this.scrapeTimeNs;
    if (this.fallback === undefined) throw new Error('scrape time not resolved');
    return this.fallback;
  }

  async resolveFallback(): Promise<void> {
    if (this.scrapeTimeNs !== undefined) return;
    this.fallback = (await fs.stat(this.path, { bigint: true })).mtimeNs;
  }

  private num(v: number | undefined, scale: number): number | undefined {
    if (v === undefined) return undefined;
    if (Number.isNaN(v)) {
      this.nan++;
      return undefined;
    }
    return v * scale;
  }

  emit(s: Series): void {
    const server = serverOfName(s.native) ?? this.scan.dominant;
    const alias = this.resolver.resolve(server, s.native, s.labels);
    let kind = s.kind;
    if (kind === 'untyped' && (alias?.kind === 'counter' || alias?.kind === 'gauge'))
      kind = alias.kind;
    const scale = alias?.unitScale ?? 1;
    if (s.timestamp === undefined && this.scrapeTimeNs === undefined) this.mtimeUsed = true;
    const t = this.time(s);
    const key = `${server}\u0000${s.family}\u0000${JSON.stringify(s.labels)}\u0000${t}`;
    if (this.seen.has(key)) {
      throw new InferscopeError(
        'PARSE_ERROR',
        `series ${s.family}${JSON.stringify(s.labels)} appears twice at the same time`,
        {
          file: this.path,
          format: FORMAT,
          line: s.line,
          hint: 'a file without timestamps holds one scrape: split concatenated scrapes into files (ingest each with --scrape-time) or give every line a timestamp',
        },
      );
    }
    this.seen.add(key);
    const base = {
      t_ns: t,
      server,
      name: alias?.name ?? s.native,
      native_name: s.native,
      kind,
      unit_scale: scale,
    };
    const sampleId = this.sink.nextSampleId();
    this.sink.emit(
      'metric_sample',
      {
        ...base,
        sample_id: sampleId,
        labels: s.labels,
        value: this.num(s.value, scale),
        count: s.kind === 'histogram' || s.kind === 'summary' ? this.num(s.count, 1) : undefined,
      },
      { line: s.line },
    );
    for (const b of s.buckets ?? [])
      this.sink.emit(
        'metric_bucket',
        { sample_id: sampleId, le: b.le * scale, count: b.count },
        { line: s.line },
      );
    for (const q of s.quantiles ?? []) {
      this.sink.emit(
        'metric_sample',
        {
          ...base,
          sample_id: this.sink.nextSampleId(),
          labels: sortedLabels([...Object.entries(s.labels), ['quantile', q.q]]),
          value: this.num(q.value, scale),
        },
        { line: s.line },
      );
    }
  }

  finish(): void {
    if (this.mtimeUsed)
      this.sink.warn({
        code: 'SCRAPE_TIME_MTIME',
        message:
          'the samples have no timestamps and no --scrape-time was given: the file modification time was used as the scrape time',
      });
    if (this.nan)
      this.sink.warn({
        code: 'NAN_VALUES',
        message: `${this.nan} NaN values stored as NULL`,
      });
  }
}
