import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InferscopeError } from '../../base/errors.js';
import { REPO_ROOT, tempDir } from '../../../test/helpers.js';
import { dataDir, jsonFiles } from './data-files.js';
import {
  findHardware,
  HardwareSpec,
  loadHardwareCatalog,
  loadHardwareFile,
  parsePrices,
  peakFlops,
} from './hardware.js';

const HW_DIR = join(REPO_ROOT, 'data/hardware');
const EXPECTED = [
  'a100-sxm-40gb',
  'a100-sxm-80gb',
  'b200',
  'b300',
  'gaudi3',
  'gb200',
  'h100-pcie',
  'h100-sxm',
  'h200',
  'l4',
  'l40s',
  'mi300x',
  'mi325x',
  'mi355x',
  'tpu-v5e',
  'tpu-v5p',
  'tpu-v6e',
];

/** Every number in a JSON value, with its path and the object that holds it. */
function numbers(v: unknown, path = '', parent: unknown = null): [string, unknown][] {
  if (typeof v === 'number') return [[path, parent]];
  if (Array.isArray(v)) return v.flatMap((x, i) => numbers(x, `${path}[${i}]`, v));
  if (v && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`, v));
  }
  return [];
}

function expectError(fn: () => unknown, code: string, field?: string): InferscopeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InferscopeError);
    const err = e as InferscopeError;
    expect(err.code).toBe(code);
    if (field) expect(err.context.field).toBe(field);
    return err;
  }
  throw new Error('expected an error');
}

describe('hardware catalog files', () => {
  const files = jsonFiles(HW_DIR);

  it('ships every expected device, one file each, found relative to the module', () => {
    expect(dataDir()).toBe(join(REPO_ROOT, 'data'));
    expect(loadHardwareCatalog().map((h) => h.id)).toEqual(EXPECTED);
  });

  it.each(files)('%s validates and every number carries a source', (file) => {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(HardwareSpec.safeParse(raw).success).toBe(true);
    const found = numbers(raw);
    expect(found.length).toBeGreaterThan(5);
    for (const [path, parent] of found) {
      expect(path, `${file}${path}`).toMatch(/\.value$/);
      const src = (parent as { source?: unknown }).source;
      expect(typeof src === 'string' && src.length > 3, `${file}${path} has no source`).toBe(true);
    }
  });

  it('keeps dense peaks consistent: lower precision is never slower, within sane bounds', () => {
    for (const hw of loadHardwareCatalog()) {
      const bf16 = peakFlops(hw, 'bf16') ?? 0;
      expect(bf16, hw.id).toBeGreaterThan(50e12);
      expect(bf16, hw.id).toBeLessThan(5e15);
      for (const d of ['fp8', 'fp4'] as const) {
        const p = peakFlops(hw, d);
        if (p !== undefined) expect(p, `${hw.id} ${d}`).toBeGreaterThanOrEqual(bf16);
      }
      const fp32 = peakFlops(hw, 'fp32');
      if (fp32 !== undefined) expect(fp32, hw.id).toBeLessThan(bf16);
      expect(hw.memory.bandwidth_bytes_per_s.value).toBeGreaterThan(1e11);
      expect(hw.memory.capacity_bytes.value).toBeGreaterThanOrEqual(16e9);
    }
  });

  it('matches the research note for the reference parts (dense, decimal)', () => {
    const cat = loadHardwareCatalog();
    const h100 = findHardware(cat, 'h100');
    expect(h100.id).toBe('h100-sxm');
    expect(peakFlops(h100, 'bf16')).toBeCloseTo(989.5e12, -10);
    expect(h100.memory.bandwidth_bytes_per_s.value).toBe(3.35e12);
    expect(findHardware(cat, 'A100-80GB').memory.bandwidth_bytes_per_s.value).toBe(2039e9);
    expect(peakFlops(findHardware(cat, 'a100-sxm-40gb'), 'fp8')).toBeUndefined();
  });

  it('has unique ids and aliases', () => {
    const names = loadHardwareCatalog().flatMap((h) => [h.id, ...h.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('overrides and extra devices', () => {
  it('replaces a default price and marks its source', () => {
    const cat = loadHardwareCatalog({ prices: parsePrices('h100=2.10, mi300x=$1.8') });
    expect(findHardware(cat, 'h100-sxm').price_usd_per_h).toEqual({
      value: 2.1,
      source: 'user override',
    });
    expect(findHardware(cat, 'mi300x').price_usd_per_h.value).toBe(1.8);
    expect(findHardware(loadHardwareCatalog(), 'h100-sxm').price_usd_per_h.value).toBe(3);
  });

  it('rejects bad prices and unknown devices as usage errors', () => {
    expectError(() => parsePrices('h100:2'), 'USAGE', 'price');
    const e = expectError(() => loadHardwareCatalog({ prices: { nope: 1 } }), 'USAGE');
    expect(e.hint).toContain('h100-sxm');
  });

  it('adds and replaces devices from an extra folder', () => {
    const { dir, cleanup } = tempDir();
    try {
      const h100 = JSON.parse(readFileSync(join(HW_DIR, 'h100-sxm.json'), 'utf8'));
      h100.price_usd_per_h = { value: 9, source: 'my contract' };
      writeFileSync(join(dir, 'h100-sxm.json'), JSON.stringify(h100));
      writeFileSync(
        join(dir, 'my-gpu.json'),
        JSON.stringify({ ...h100, id: 'my-gpu', name: 'Mine', aliases: [] }),
      );
      const cat = loadHardwareCatalog({ extraDirs: [dir] });
      expect(cat).toHaveLength(EXPECTED.length + 1);
      expect(findHardware(cat, 'h100-sxm').price_usd_per_h.source).toBe('my contract');
      expect(findHardware(cat, 'my-gpu').name).toBe('Mine');
    } finally {
      cleanup();
    }
  });

  it('names the file and field of an invalid device file', () => {
    const { dir, cleanup } = tempDir();
    try {
      const bad = JSON.parse(readFileSync(join(HW_DIR, 'l4.json'), 'utf8'));
      delete bad.compute.bf16_dense_flops.source;
      writeFileSync(join(dir, 'l4.json'), JSON.stringify(bad));
      const e = expectError(() => loadHardwareFile(join(dir, 'l4.json')), 'PARSE_ERROR');
      expect(e.context.field).toBe('compute.bf16_dense_flops.source');
      expect(e.context.file).toBe(join(dir, 'l4.json'));

      bad.compute.bf16_dense_flops = 121e12; // a bare number, without its source
      writeFileSync(join(dir, 'l4.json'), JSON.stringify(bad));
      expectError(() => loadHardwareFile(join(dir, 'l4.json')), 'PARSE_ERROR');

      cpSync(join(HW_DIR, 'l4.json'), join(dir, 'other.json'));
      expectError(() => loadHardwareFile(join(dir, 'other.json')), 'PARSE_ERROR', 'id');

      writeFileSync(join(dir, 'trunc.json'), '{\n  "id": "x",\n  "name":');
      const t = expectError(() => loadHardwareFile(join(dir, 'trunc.json')), 'PARSE_ERROR');
      expect(t.context.file).toBe(join(dir, 'trunc.json'));
    } finally {
      cleanup();
    }
  });
});

const BUILT = join(REPO_ROOT, 'dist/src/analyses/frontier/data-files.js');
describe.skipIf(!existsSync(BUILT))('after the build', () => {
  it('finds the same data/ folder from dist/src/', async () => {
    const mod = (await import(pathToFileURL(BUILT).href)) as { dataDir: () => string };
    expect(mod.dataDir()).toBe(join(REPO_ROOT, 'data'));
  });
});
