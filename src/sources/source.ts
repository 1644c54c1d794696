/**
 * @module The source contract. A source recognises one file format (sniff) and turns a file into
 * canonical records (read), emitted into a sink the store provides. Sources never import the
 * store: they see only this interface.
 */

import type { Emitted, RecordKind } from '../schema/records.js';

/** The first bytes of a file, for sniffing without reading it all. */
export interface Probe {
  path: string;
  /** Lower-case extension without `.gz` (e.g. `.json`, `.jsonl`, `.csv`, `.parquet`, `.txt`). */
  ext: string;
  gzip: boolean;
  size: number;
  /** Up to the first 64 KiB decoded as UTF-8 (decompressed for .gz). */
  head: string;
}

/** Where in a file a record came from, for error messages. */
export interface Location {
  line?: number;
  offset?: number;
  /** Dotted path inside the document, e.g. `benchmarks[0].requests.successful[3]`. */
  pointer?: string;
}

export interface Warning {
  code: string;
  message: string;
  at?: Location;
}

/** A request-record column of a native (SQL) load, and the SQL expression that fills it. */
export type ColumnExprs = Partial<Record<keyof Emitted<'request'>, string>>;

export interface RecordSink {
  /** Validates and stores one record; throws INVALID_RECORD naming the field and location. */
  emit<K extends RecordKind>(kind: K, record: Emitted<K>, at?: Location): void;
  /**
   * Loads request rows with DuckDB's own readers: `from` is a FROM clause such as
   * `read_csv('x.csv')`, `columns` maps canonical columns to SQL expressions over it. The store
   * validates and flags the rows in SQL, in the same transaction. Returns rows written.
   */
  loadRequests(from: string, columns: ColumnExprs): Promise<number>;
  /** Describes a relation (for column mapping checks): column name → SQL type. */
  describe(from: string): Promise<Record<string, string>>;
  /** A non-fatal remark, counted and shown to the user. */
  warn(warning: Warning): void;
  /** Next sample_id for metric samples and their buckets (unique within the ingest). */
  nextSampleId(): number;
}

export interface ReadOptions {
  /** Generic column mapping, `--map column=field` (request traces). */
  map?: Record<string, string>;
  /** Scrape time for Prometheus text files without timestamps (epoch ns). */
  scrapeTimeNs?: bigint;
  /** Default labels given on the command line; sources may use them (e.g. model). */
  labels?: Record<string, string>;
  /** Reports bytes consumed so far (progress bars). */
  onProgress?: (bytesRead: number) => void;
}

export interface SourceFormat {
  /** Stable name used by `--format`. */
  name: string;
  /** One-line title for `inferscope formats`. */
  title: string;
  /** How the sniffer recognises it, in words, for `inferscope formats`. */
  recognizes: string;
  /** Extensions this source reads. */
  extensions: readonly string[];
  /** Confidence 0..1 that the probe is this format; 0 = no. The highest wins. */
  sniff(probe: Probe): number;
  /** Parses the file and emits canonical records. Throws InferscopeError on malformed input. */
  read(path: string, sink: RecordSink, options: ReadOptions): Promise<void>;
}
