/** @module `inferscope hardware`: the hardware catalog (dense peaks, memory, links, power, price). */

import {
  loadHardwareCatalog,
  parsePrices,
  type HardwareSpec,
  type Sourced,
} from '../../analyses/frontier/hardware.js';
import { toJson } from '../../outputs/json.js';
import { formatNumber, renderTable } from '../../outputs/table.js';
import { JSON_OPTION, type CommandSpec } from '../spec.js';

/** `scale` units of a sourced figure, or — when the part lacks it. */
function cell(s: Sourced | undefined, scale: number, digits = 4): string {
  return s ? formatNumber(s.value / scale, digits) : '—';
}

function scaleUp(hw: HardwareSpec): string {
  const link = hw.interconnects.find((l) => l.scope === 'scale_up' || l.scope === 'pair');
  return link ? `${formatNumber(link.bandwidth_bytes_per_s.value / 1e9)} ${link.kind}` : '—';
}

export function renderHardware(catalog: readonly HardwareSpec[]): string {
  const rows = catalog.map((hw) => [
    hw.id,
    hw.name,
    cell(hw.compute.bf16_dense_flops, 1e12),
    cell(hw.compute.fp8_dense_flops, 1e12),
    cell(hw.compute.fp4_dense_flops, 1e12),
    cell(hw.memory.capacity_bytes, 1e9),
    cell(hw.memory.bandwidth_bytes_per_s, 1e12),
    scaleUp(hw),
    cell(hw.tdp_w, 1),
    `${hw.price_usd_per_h.value.toFixed(2)}`,
  ]);
  return [
    renderTable(
      [
        'id',
        'device',
        'bf16 TFLOP/s',
        'fp8 TFLOP/s',
        'fp4 TFLOP/s',
        'mem GB',
        'mem TB/s',
        'scale-up GB/s',
        'TDP W',
        '$/h',
      ],
      rows,
      { maxWidth: 44 },
    ),
    '',
    'Peaks are dense (no 2:4 sparsity); units are decimal (1 GB = 1e9 B); link bandwidth is per',
    'device and per direction; $/h is a default list price (override with --price id=USD).',
    'Every figure has a source and, when derived, a note: inferscope hardware --json.',
  ].join('\n');
}

export const hardwareCommand: CommandSpec = {
  name: 'hardware',
  summary: 'list the hardware catalog: dense peak FLOP/s, memory, interconnects, power, price',
  description:
    'The catalog is data/hardware/*.json, one file per device; every number carries its source. Add devices with --hardware-dir (a folder of files in the same layout; a file with a known id replaces that device). Conventions: docs/frontier.md.',
  options: [
    {
      flags: '--price <id=usd,...>',
      description: 'override the default USD per device-hour, e.g. h100-sxm=2.10',
    },
    {
      flags: '--hardware-dir <dir>',
      description: 'an extra folder of device JSON files',
      repeatable: true,
    },
    JSON_OPTION,
  ],
  examples: [
    'inferscope hardware',
    'inferscope hardware --price h100-sxm=2.10,mi300x=1.80',
    'inferscope hardware --json',
  ],
  async run(_args, options, io) {
    const catalog = loadHardwareCatalog({
      extraDirs: (options.hardwareDir as string[] | undefined) ?? [],
      prices: typeof options.price === 'string' ? parsePrices(options.price) : {},
    });
    io.out(options.json ? toJson(catalog) : renderHardware(catalog));
    return 0;
  },
};
