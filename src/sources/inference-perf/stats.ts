/**
 * @module Shared by the inference-perf report readers: recognising the tool's distribution
 * objects (`{mean, min, p0.1, …, median, …, max}`) and emitting each entry as a run_stat row.
 */

import { z } from 'zod';
import type { RecordSink } from '../source.js';

export const INFERENCE_PERF = 'inference-perf';

/** A distribution as inference-perf writes it; null entries mean "no data". */
export const Distribution = z.record(z.string(), z.number().nullable());
export type Distribution = z.infer<typeof Distribution>;

/** A plain object whose values are numbers (or null) and which has a mean: a distribution. */
export function isDistribution(v: unknown): v is Distribution {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const values = Object.values(v as Record<string, unknown>);
  return (
    'mean' in v && values.length > 0 && values.every((x) => x === null || typeof x === 'number')
  );
}

/** inference-perf stat key → canonical stat; undefined for keys that are not statistics. */
export function statKey(raw: string): string | undefined {
  if (raw === 'median') return 'p50';
  if (raw === 'mean' || raw === 'min' || raw === 'max') return raw;
  if (raw === 'std' || raw === 'stddev') return 'std';
  if (/^p\d+(\.\d+)?$/.test(raw)) return raw;
  return undefined;
}

export interface StatTarget {
  runId: string;
  metric: string;
  unit: string;
  /** Prefix of native_name; the stat key is appended after a dot. */
  native: string;
  definition?: string;
}

/**
 * Emits one run_stat per statistic of a distribution. Keys that are not statistics (e.g.
 * `total`, `rate`) are returned for the caller to place.
 */
export function emitDistribution(
  sink: RecordSink,
  dist: Distribution,
  t: StatTarget,
): Record<string, number> {
  const rest: Record<string, number> = {};
  for (const [key, value] of Object.entries(dist)) {
    if (value === null) continue;
    const stat = statKey(key);
    if (stat === undefined) {
      rest[key] = value;
      continue;
    }
    sink.emit(
      'run_stat',
      {
        run_id: t.runId,
        metric: t.metric,
        native_name: `${t.native}.${key}`,
        definition: t.definition,
        stat,
        value,
        unit: t.unit,
      },
      { pointer: `${t.native}.${key}` },
    );
  }
  return rest;
}

/** Emits a single-valued statistic (a rate, a gauge mean, a counter total). */
export function emitValue(
  sink: RecordSink,
  value: number | null | undefined,
  t: StatTarget & { stat: string },
): void {
  if (typeof value !== 'number') return;
  sink.emit(
    'run_stat',
    {
      run_id: t.runId,
      metric: t.metric,
      native_name: t.native,
      definition: t.definition,
      stat: t.stat,
      value,
      unit: t.unit,
    },
    { pointer: t.native },
  );
}

/** Unit guessed from an unmapped key's name, for statistics we keep under their native name. */
export function unitOf(key: string): string {
  if (/bytes/i.test(key)) return 'bytes';
  if (/(^|[._])(prompt|output)_len$|tokens/i.test(key)) return 'tokens';
  if (/percent/i.test(key)) return 'percent';
  if (/count|num_/i.test(key)) return 'count';
  if (/latency|time|delay|_sec$/i.test(key)) return 's';
  return 'value';
}
