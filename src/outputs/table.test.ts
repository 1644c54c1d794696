import { describe, expect, it } from 'vitest';
import { formatNumber, formatSeconds, renderTable } from './table.js';

describe('text tables', () => {
  it('right-aligns numbers and durations, left-aligns words that merely contain dots', () => {
    const t = renderTable(
      ['name', 'ext', 'p99'],
      [
        ['a', '.json', '~48.2ms'],
        ['bb', '.jsonl .csv', '1.2s'],
      ],
    );
    expect(t.split('\n')).toEqual([
      'name  ext          p99',
      '────  ───────────  ───────',
      'a     .json        ~48.2ms',
      'bb    .jsonl .csv     1.2s',
    ]);
  });

  it('formats durations and numbers for people', () => {
    expect([
      formatSeconds(0.000812),
      formatSeconds(0.0123),
      formatSeconds(1.24),
      formatSeconds(null),
    ]).toEqual(['812µs', '12.3ms', '1.24s', '—']);
    expect([formatNumber(1234567), formatNumber(3.14159), formatNumber(Infinity)]).toEqual([
      '1,234,567',
      '3.14',
      'inf',
    ]);
  });
});
