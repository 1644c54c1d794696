/** @module Parsing of human durations (`200ms`, `1.5s`, `50us`) and time windows. */

import { InferscopeError } from './errors.js';

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  min: 60,
  h: 3600,
};

/** Parses `200ms`, `0.2s`, `50us`, `2m`; a bare number is seconds. Returns seconds. */
export function parseDurationSeconds(text: string, field = 'duration'): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[-+]?\d+)?)\s*([a-zµ]*)\s*$/i.exec(text);
  const unit = m?.[2]?.toLowerCase() || 's';
  if (!m || !(unit in UNIT_SECONDS)) {
    throw new InferscopeError('USAGE', `cannot read "${text}" as a duration`, {
      field,
      hint: 'write a number with a unit: ns, us, ms, s, m or h (e.g. 200ms, 1.5s)',
    });
  }
  return Number(m[1]) * UNIT_SECONDS[unit];
}

/** Parses `ttft=200ms,tpot=50ms` into `{ttft: 0.2, tpot: 0.05}` (seconds). */
export function parseKeyDurations(text: string, field: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new InferscopeError('USAGE', `expected key=duration, got "${part}"`, {
        field,
        hint: 'for example --slo ttft=200ms,tpot=50ms',
      });
    }
    const key = part.slice(0, eq).trim();
    out[key] = parseDurationSeconds(part.slice(eq + 1), `${field}.${key}`);
  }
  return out;
}

/**
 * Parses a window `START..END` where each side is an ISO-8601 time, epoch seconds, or empty
 * (open). Returns epoch nanoseconds (bigint) or undefined for an open side.
 */
export function parseWindow(text: string): { start?: bigint; end?: bigint } {
  const parts = text.split('..');
  if (parts.length !== 2) {
    throw new InferscopeError('USAGE', `cannot read window "${text}"`, {
      field: 'window',
      hint: 'write START..END with ISO times or epoch seconds, e.g. 2026-01-01T10:00Z..2026-01-01T11:00Z; either side may be empty',
    });
  }
  const side = (s: string): bigint | undefined => {
    const t = s.trim();
    if (t === '') return undefined;
    if (/^[0-9]+(\.[0-9]+)?$/.test(t)) return BigInt(Math.round(Number(t) * 1e3)) * 1_000_000n;
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) {
      throw new InferscopeError('USAGE', `cannot read "${t}" as a time`, {
        field: 'window',
        hint: 'use an ISO-8601 time (2026-01-01T10:00:00Z) or epoch seconds',
      });
    }
    return BigInt(ms) * 1_000_000n;
  };
  return { start: side(parts[0]), end: side(parts[1]) };
}
