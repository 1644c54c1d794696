/**
 * @module JSON text the way the benchmark tools write it: Python's `json.dumps` (", " and ": "
 * separators, ASCII escapes, bare NaN/Infinity), or compact JSON with exact 64-bit integers
 * (rapidjson in perf_analyzer, pydantic in AIPerf). Bigints are written as integer literals.
 */

export type JsonStyle = 'python' | 'compact';

function str(s: string, style: JsonStyle): string {
  const out = JSON.stringify(s);
  if (style !== 'python') return out;
  return out.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function num(n: number, style: JsonStyle): string {
  if (Number.isFinite(n)) return JSON.stringify(n);
  if (style === 'compact') return 'null';
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/** Serialises a value; object keys whose value is `undefined` are left out, as JSON.stringify does. */
export function dumpJson(value: unknown, style: JsonStyle): string {
  const sep = style === 'python' ? ', ' : ',';
  const colon = style === 'python' ? ': ' : ':';
  const walk = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return num(v, style);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string') return str(v, style);
    if (Array.isArray(v)) return `[${v.map(walk).join(sep)}]`;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${str(k, style)}${colon}${walk(x)}`).join(sep)}}`;
  };
  return walk(value);
}

/** numpy-style population standard deviation (0 for an empty list, as `np.std(x or 0)`). */
export function populationStd(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}
