/** @module Seeded pseudo-random numbers (mulberry32): the same seed always gives the same stream. */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
  /** Log-normal with the given median and sigma (of the underlying normal). */
  lognormal(median: number, sigma: number): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    normal,
    exponential: (rate) => -Math.log(1 - next()) / rate,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}
