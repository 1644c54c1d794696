/** @module Plain-text tables for the terminal: aligned columns, right-aligned numbers. */

export interface TableOptions {
  /** Columns whose cells are right-aligned (numbers). Default: cells that look numeric. */
  rightAlign?: readonly string[];
  /** Maximum cell width; longer cells are cut with an ellipsis. */
  maxWidth?: number;
}

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const max = options.maxWidth ?? 60;
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const cells = [header, ...rows].map((r) => r.map((c) => cut(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string) => /^[-+~]?\d[\d.,]*(e[-+]?\d+)?\s*[a-zµ%/]*$/i.test(s) || s === '—';
  const right = (i: number, s: string) =>
    options.rightAlign ? options.rightAlign.includes(header[i]) : numeric(s);
  const line = (r: readonly string[], isHeader: boolean) =>
    r
      .map((c, i) => (!isHeader && right(i, c) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(cells[0], true),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...cells.slice(1).map((r) => line(r, false)),
  ].join('\n');
}

/** Seconds as a short human duration: 812µs, 12.3ms, 1.24s. */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  const a = Math.abs(s);
  if (a === 0) return '0';
  if (a < 1e-3) return `${(s * 1e6).toPrecision(3)}µs`;
  if (a < 1) return `${(s * 1e3).toPrecision(3)}ms`;
  return `${s.toPrecision(3)}s`;
}

export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toLocaleString('en-US', {
    maximumSignificantDigits: digits,
  });
}

export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toPrecision(3)}%`;
}
