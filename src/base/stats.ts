/** @module Small statistics helpers shared by sources, analyses and tests. */

/** Linear-interpolated quantile (numpy's default, DuckDB's quantile_cont) of sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export interface Bucket {
  /** Upper bound (inclusive), `Infinity` for +Inf. */
  le: number;
  /** Cumulative count of observations ≤ le. */
  count: number;
}

/**
 * Quantile estimated from cumulative histogram buckets, interpolating linearly inside the
 * bucket as Prometheus' histogram_quantile does. Observations in the +Inf bucket return the
 * highest finite bound. NaN when the histogram is empty.
 */
export function histogramQuantile(buckets: readonly Bucket[], q: number): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length === 0) return Number.NaN;
  const total = sorted[sorted.length - 1].count;
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      if (b.count === prevCount) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
