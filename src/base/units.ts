/**
 * @module Branded physical units. Storage keeps time as int64 nanoseconds since the Unix epoch
 * (bigint, lossless); analyses work in float seconds.
 */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Nanoseconds as a lossless 64-bit integer (timestamps, storage). */
export type Nanos = Brand<bigint, 'ns'>;
/** Seconds as a float (durations inside analyses). */
export type Seconds = Brand<number, 's'>;

export const NS_PER_S = 1_000_000_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_US = 1_000;

export const Time = {
  /**
   * Float seconds → ns. Whole and fractional seconds are converted apart, so an epoch value keeps
   * all the precision its double has (about 0.2 µs today) instead of rounding s × 1e9 past 2^53.
   */
  fromSeconds(s: number): Nanos {
    const whole = Math.trunc(s);
    return (BigInt(whole) * 1_000_000_000n + BigInt(Math.round((s - whole) * NS_PER_S))) as Nanos;
  },
  fromMillis(ms: number): Nanos {
    return BigInt(Math.round(ms * NS_PER_MS)) as Nanos;
  },
  fromMicros(us: number): Nanos {
    return BigInt(Math.round(us * NS_PER_US)) as Nanos;
  },
  fromNanos(ns: bigint | number | string): Nanos {
    return (typeof ns === 'bigint' ? ns : BigInt(ns)) as Nanos;
  },
  /** ns → float seconds. Loses precision below ~0.2 µs for epoch timestamps; exact for durations < 104 days. */
  toSeconds(ns: bigint): Seconds {
    const whole = ns / 1_000_000_000n;
    const frac = ns % 1_000_000_000n;
    return (Number(whole) + Number(frac) / NS_PER_S) as Seconds;
  },
  /** Duration between two ns timestamps, in float seconds (exact subtraction first). */
  diffSeconds(end: bigint, start: bigint): Seconds {
    return (Number(end - start) / NS_PER_S) as Seconds;
  },
  fromDate(d: Date): Nanos {
    return (BigInt(d.getTime()) * 1_000_000n) as Nanos;
  },
  toIso(ns: bigint): string {
    const ms = Number(ns / 1_000_000n);
    return new Date(ms).toISOString();
  },
} as const;
