/**
 * @module The hardware catalog: one JSON file per device in `data/hardware/`, every figure with
 * its source. Peaks are DENSE (no 2:4 sparsity), units decimal (1 GB = 1e9 bytes).
 */

import { basename, join } from 'node:path';
import { z } from 'zod';
import { InferscopeError } from '../../base/errors.js';
import { dataDir, jsonFiles, readJsonFile } from './data-files.js';
import { validateFile } from './validate.js';

/** A number with where it comes from; `note` says how it was derived when it is not verbatim. */
export const Sourced = z.strictObject({
  value: z.number().finite().nonnegative(),
  source: z.string().min(3),
  note: z.string().min(1).optional(),
});
export type Sourced = z.infer<typeof Sourced>;

export const DTYPES = ['fp32', 'bf16', 'fp8', 'int8', 'fp4'] as const;
export type Dtype = (typeof DTYPES)[number];

const Interconnect = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['nvlink', 'nvlink_c2c', 'pcie', 'xgmi', 'ici', 'ethernet', 'infiniband']),
  /** scale_up: the accelerator fabric; pair: a bridge between two cards; host: to the CPU. */
  scope: z.enum(['scale_up', 'scale_out', 'host', 'pair']),
  /** Per device, per direction, summed over the links of this type. */
  bandwidth_bytes_per_s: Sourced,
  latency_s: Sourced.optional(),
});

const Id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower case: letters, digits, dots, dashes');

export const HardwareSpec = z.strictObject({
  id: Id,
  name: z.string().min(1),
  vendor: z.string().min(1),
  family: z.string().min(1),
  form_factor: z.string().min(1),
  aliases: z.array(Id),
  compute: z.strictObject({
    fp32_dense_flops: Sourced.optional(),
    bf16_dense_flops: Sourced,
    fp8_dense_flops: Sourced.optional(),
    int8_dense_ops: Sourced.optional(),
    fp4_dense_flops: Sourced.optional(),
  }),
  memory: z.strictObject({
    kind: z.string().min(1),
    capacity_bytes: Sourced,
    bandwidth_bytes_per_s: Sourced,
  }),
  interconnects: z.array(Interconnect),
  tdp_w: Sourced.optional(),
  price_usd_per_h: Sourced,
});
export type HardwareSpec = z.infer<typeof HardwareSpec>;

const FORMAT = 'inferscope hardware';

/** The dense peak of one dtype (int8 counted in ops/s), or undefined when the part lacks it. */
export function peakFlops(hw: HardwareSpec, dtype: Dtype): number | undefined {
  const c = hw.compute;
  const s = {
    fp32: c.fp32_dense_flops,
    bf16: c.bf16_dense_flops,
    fp8: c.fp8_dense_flops,
    int8: c.int8_dense_ops,
    fp4: c.fp4_dense_flops,
  }[dtype];
  return s?.value;
}

/** Reads and validates one device file; its `id` must match the file name. */
export function loadHardwareFile(file: string): HardwareSpec {
  const spec = validateFile(HardwareSpec, readJsonFile(file, FORMAT), {
    file,
    format: FORMAT,
    hint: 'see docs/frontier.md (Catalog) for the device file layout',
  });
  if (basename(file, '.json') !== spec.id) {
    throw new InferscopeError(
      'PARSE_ERROR',
      `${FORMAT}: id "${spec.id}" differs from the file name`,
      {
        file,
        field: 'id',
        hint: `name the file ${spec.id}.json or change its id`,
      },
    );
  }
  return spec;
}

export interface HardwareCatalogOptions {
  /** Extra folders of device files; a device whose id is already known replaces it. */
  extraDirs?: readonly string[];
  /** USD per device-hour by device id or alias, replacing the default list price. */
  prices?: Readonly<Record<string, number>>;
}

/** The built-in catalog plus any extra folders, with price overrides applied, sorted by id. */
export function loadHardwareCatalog(options: HardwareCatalogOptions = {}): HardwareSpec[] {
  const byId = new Map<string, HardwareSpec>();
  for (const dir of [join(dataDir(), 'hardware'), ...(options.extraDirs ?? [])]) {
    for (const file of jsonFiles(dir)) {
      const spec = loadHardwareFile(file);
      byId.set(spec.id, spec);
    }
  }
  const catalog = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const [key, usd] of Object.entries(options.prices ?? {})) {
    const hw = findHardware(catalog, key);
    hw.price_usd_per_h = { value: usd, source: 'user override' };
  }
  return catalog;
}

/** A device by id or alias (case-insensitive); an unknown name lists the known ids. */
export function findHardware(catalog: readonly HardwareSpec[], name: string): HardwareSpec {
  const key = name.toLowerCase();
  const hw = catalog.find((h) => h.id === key || h.aliases.includes(key));
  if (!hw) {
    throw new InferscopeError('USAGE', `unknown hardware "${name}"`, {
      hint: `known: ${catalog.map((h) => h.id).join(', ')} (inferscope hardware lists them)`,
    });
  }
  return hw;
}

/** Parses `id=usd,id=usd` (the --price option) into a map. */
export function parsePrices(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([^=\s]+)\s*=\s*\$?([0-9]*\.?[0-9]+)\s*$/.exec(part);
    if (!m) {
      throw new InferscopeError('USAGE', `bad price "${part}"`, {
        field: 'price',
        hint: 'write id=USD per device-hour, e.g. --price h100-sxm=2.10,mi300x=1.80',
      });
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
}
