/** @module JSON output: bigint as decimal strings, non-finite numbers as strings. */

export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && !Number.isFinite(v))
        return Number.isNaN(v) ? null : v > 0 ? 'Infinity' : '-Infinity';
      return v;
    },
    2,
  );
}
