/** @module Test helpers: temp stores, the shared samples folder, in-process CLI runs. No mocks. */

import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/store/store.js';
import { runCli } from '../src/cli/program.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `../shared/samples` beside the checkout (real public files); absent on some machines. */
export const SAMPLES = resolve(REPO_ROOT, '../shared/samples');
export const TRACES = resolve(REPO_ROOT, '../shared/traces');
export const HAS_SAMPLES = existsSync(SAMPLES);
export const HAS_TRACES = existsSync(TRACES);

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'inferscope-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` with a store in a fresh database file, closed and removed afterwards. */
export async function withStore<T>(fn: (store: Store, dir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir();
  const store = await Store.open(join(dir, 'test.duckdb'));
  try {
    return await fn(store, dir);
  } finally {
    store.close();
    cleanup();
  }
}

/** Runs the real CLI in-process and captures its output. */
export async function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    interactive: false,
  });
  return { code, stdout, stderr };
}

/**
 * numpy's default (linear) percentile, written independently of src/base/stats.ts so that tests
 * check our SQL and code against a separate computation.
 */
export function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
}

export const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
