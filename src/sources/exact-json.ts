/**
 * @module JSON as benchmark tools write it, read without loss (`exact` mode of the readers in
 * read.ts): integers beyond 2^53 (epoch nanoseconds from perf_analyzer and AIPerf) arrive as digit
 * strings instead of rounded doubles, and Python's non-standard `NaN` / `Infinity` / `-Infinity`
 * tokens as the strings "NaN" / "Infinity" / "-Infinity". `nsInt` and `pyNumber` turn them back.
 */

import { z } from 'zod';

/** A string literal, a Python non-finite token, or an integer literal of 16+ digits. */
const TOKENS = /"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)|(?<![\w.+-])(-?\d{16,})(?![\d.eE])/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Rewrites a JSON text so that JSON.parse keeps big integers and Python tokens exactly. */
export function rewriteJsonNumbers(text: string): string {
  if (!/\d{16}|NaN|Infinity/.test(text)) return text;
  return text.replace(TOKENS, (whole: string, py?: string, big?: string) => {
    if (py !== undefined) return `"${py}"`;
    if (big !== undefined) {
      const v = BigInt(big);
      return v > MAX_SAFE || v < -MAX_SAFE ? `"${big}"` : big;
    }
    return whole;
  });
}

/** An integer nanosecond count: a JSON number or the digit string `rewriteJsonNumbers` made. */
export const nsInt = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, 'expected an integer')])
  .transform((v) => BigInt(v));

/** A float that Python may have written as NaN or ±Infinity (kept as such). */
export const pyNumber = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));
