/** @module Locating and reading the JSON data shipped in the package's `data/` folder. */

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferscopeError } from '../../base/errors.js';

/**
 * The package's `data/` folder. This module lives in `src/analyses/frontier/` under vitest and in
 * `dist/src/analyses/frontier/` after the build, so the folder is found by walking up from here
 * to the first ancestor holding `data/hardware`.
 */
export function dataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, 'hardware'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error(`inferscope data/ folder not found above ${fileURLToPath(import.meta.url)}`);
}

/** The `.json` files of a folder, sorted by name. */
export function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) {
    throw new InferscopeError('FILE_NOT_FOUND', `no such folder: ${dir}`, {
      file: dir,
      hint: 'give a folder that holds *.json files',
    });
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** Reads and parses one JSON file; a syntax error names the file and line. */
export function readJsonFile(file: string, format: string): unknown {
  if (!existsSync(file)) {
    throw new InferscopeError('FILE_NOT_FOUND', `no such file: ${file}`, {
      file,
      hint: `give the path of a ${format} JSON file`,
    });
  }
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new InferscopeError('PARSE_ERROR', `${format}: not valid JSON: ${(e as Error).message}`, {
      file,
      line,
      format,
      hint: `fix the JSON syntax of the ${format} file`,
      cause: e,
    });
  }
}
