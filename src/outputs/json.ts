/**
 * @module JSON output: bigint as decimal strings, non-finite numbers as strings, and floats to 12
 * significant digits (parallel aggregation makes the last bits of a mean vary run to run).
 */

export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && !Number.isFinite(v))
        return Number.isNaN(v) ? null : v > 0 ? 'Infinity' : '-Infinity';
      if (typeof v === 'number' && !Number.isInteger(v)) return Number(v.toPrecision(12));
      return v;
    },
    2,
  );
}
