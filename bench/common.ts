/** @module Benchmark helpers: timing, medians, temp dirs, machine info. */

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

/** Seconds taken by `fn`. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A temporary directory, removed by `cleanup`. */
export function benchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function removeDb(path: string): void {
  for (const p of [path, `${path}.wal`, `${path}.tmp`]) rmSync(p, { recursive: true, force: true });
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  memory_gib: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model ?? 'unknown',
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export const fmt = {
  s: (x: number) => `${x.toFixed(2)} s`,
  rate: (x: number) => `${(x / 1e6).toFixed(2)} M rows/s`,
  ratio: (x: number) => x.toFixed(2),
};
